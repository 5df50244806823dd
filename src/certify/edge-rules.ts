import { parsePrefix } from '../topology/addresses.js';
import { isPrivateAsn } from '../topology/asn.js';
import type { LabModel } from '../topology/model.js';
import { bfdDetectionMs } from '../daemons/intent.js';
import type { ReceivedRoute } from '../daemons/types.js';
import type { CertStatus } from '../scenario/results.js';
import type { EdgeSession, EdgeView } from './edge.js';

export interface Finding {
  status: CertStatus;
  text: string;
}

/** Rule ID -> what the edge saw that decides it. */
export type EdgeFindings = Partial<Record<string, Finding[]>>;

const community = '8075:8007';
const longerThan24 = (prefix: string) => parsePrefix(prefix).subnetMask > 24;
const pathText = (r: ReceivedRoute) => `[${r.asPath.join(' ')}]`;
const from = (s: EdgeSession) => `from ${s.peerRouter} at ${s.edge} (${s.interconnect})`;
const established = (s: EdgeSession) => s.bgp === 'Established';

/** Judge every rule a running lab shows at Microsoft's edge, from the routes each edge session received. */
export function judgeEdge(model: LabModel, view: EdgeView): EdgeFindings {
  return {
    'R-COMMUNITY': model.type === 'ers' ? [] : communityFindings(model, view.sessions),
    'R-NO-PRIVATE-ASN-IN-PATH': pathFindings(view.sessions, (r) => {
      const bad = r.asPath.filter(isPrivateAsn);
      return bad.length ? `private AS${bad.join(', AS')} in the path ${pathText(r)} as received` : undefined;
    }),
    'R-ASPATH-SMALL-PREFIX': pathFindings(view.sessions, (r) =>
      longerThan24(r.prefix) && r.asPath.length >= 4
        ? `a /${parsePrefix(r.prefix).subnetMask} with ${r.asPath.length} ASNs in the path ${pathText(r)} as received`
        : undefined,
    ),
    'R-ORIGIN-ASN-REGISTERED': model.type === 'ers' ? originFindings(model, view.sessions) : [],
    'R-ACTIVE-ACTIVE': activeActiveFindings(view.sessions),
    'R-BFD': bfdFindings(model, view),
    'R-LACP': view.sessions.map((s) => {
      const active = s.lag?.members.filter((m) => m.enabled).length ?? 0;
      return s.lag?.negotiated && active === s.membersConfigured
        ? {
            status: 'pass',
            text: `${s.interconnect}: LACP negotiated at ${s.edge}, ${active}/${s.membersConfigured} members distributing`,
          }
        : {
            status: 'fail',
            text: `${s.interconnect}: at ${s.edge} LACP ${s.lag?.negotiated ? 'negotiated' : 'not negotiated'}, ${active}/${s.membersConfigured} members distributing`,
          };
    }),
    'R-LOCAL-REDUNDANCY': byMetro(view.sessions).map(([metro, sessions]) => {
      const up = sessions.filter(established);
      return {
        status: up.length >= 2 ? 'pass' : 'fail',
        text: `metro ${metro}: ${up.length} of ${sessions.length} interconnect sessions established at the edge`,
      };
    }),
    'R-GEO-REDUNDANCY': [
      ((metros) => ({
        status: metros.length >= 2 ? ('pass' as const) : model.type === 'ers' ? ('warn' as const) : ('fail' as const),
        text: `metros with an established session at the edge: ${metros.join(', ') || 'none'}`,
      }))(byMetro(view.sessions).flatMap(([metro, sessions]) => (sessions.some(established) ? [metro] : []))),
    ],
  };
}

function byMetro(sessions: EdgeSession[]): [string, EdgeSession[]][] {
  const metros = new Map<string, EdgeSession[]>();
  for (const s of sessions) metros.set(s.metro, [...(metros.get(s.metro) ?? []), s]);
  return [...metros];
}

/** A finding per offending route received on any session; one pass line when none offends. */
function pathFindings(sessions: EdgeSession[], offence: (r: ReceivedRoute) => string | undefined): Finding[] {
  const bad = sessions.flatMap((s) =>
    s.routes.flatMap((r) => {
      const why = offence(r);
      return why
        ? [
            {
              status: 'fail' as const,
              text: `${r.prefix} ${from(s)}: ${why}${r.accepted ? '' : '; the edge refused it'}`,
            },
          ]
        : [];
    }),
  );
  const count = sessions.reduce((n, s) => n + s.routes.length, 0);
  if (count === 0) return [{ status: 'fail', text: 'the edge received no routes from the partner: nothing to judge' }];
  return bad.length
    ? bad
    : [{ status: 'pass', text: `${count} routes received on ${sessions.length} sessions, none offends` }];
}

function communityFindings(model: LabModel, sessions: EdgeSession[]): Finding[] {
  return model.peer.prefixes
    .filter((p) => p.registered)
    .flatMap((p) => {
      const got = sessions.flatMap((s) => s.routes.filter((r) => r.prefix === p.prefix).map((r) => ({ s, r })));
      if (got.length === 0)
        return [{ status: 'fail' as const, text: `${p.prefix} (registered): no edge session received it` }];
      return got.map(({ s, r }): Finding => {
        if (r.accepted && r.communities?.includes(community))
          return { status: 'pass', text: `${p.prefix} ${from(s)}: accepted with ${r.communities.join(' ')}` };
        if (r.accepted)
          return { status: 'fail', text: `${p.prefix} ${from(s)}: communities ${r.communities?.join(' ') || 'none'}` };
        // The edge's import policy refuses a registered prefix for a private ASN, a long path on a small
        // prefix, or a missing 8075:8007; the first two are visible in the received path.
        const otherRule = r.asPath.some(isPrivateAsn) || (longerThan24(r.prefix) && r.asPath.length >= 4);
        return otherRule
          ? { status: 'warn', text: `${p.prefix} ${from(s)}: refused by the edge for its path ${pathText(r)}` }
          : {
              status: 'fail',
              text: `${p.prefix} ${from(s)}: refused by the edge's R-COMMUNITY term: received without ${community} (path ${pathText(r)})`,
            };
      });
    });
}

function originFindings(model: LabModel, sessions: EdgeSession[]): Finding[] {
  const registered = new Set(model.peer.registeredOriginAsns);
  const findings = sessions.flatMap((s) =>
    s.routes.map((r): Finding => {
      const origin = r.asPath.at(-1);
      return origin !== undefined && registered.has(origin)
        ? { status: 'pass', text: `${r.prefix} ${from(s)}: origin AS${origin} (registered), path ${pathText(r)}` }
        : {
            status: 'fail',
            text: `${r.prefix} ${from(s)}: origin ${origin === undefined ? 'none' : `AS${origin}`} is not registered (registered: ${[...registered].map((a) => `AS${a}`).join(', ') || 'none'})`,
          };
    }),
  );
  return findings.length ? findings : [{ status: 'fail', text: 'the edge received no routes from the partner' }];
}

/** Local twins (not backups) must look alike to the edge: same MED, same path length, same origin, both sent. */
function activeActiveFindings(sessions: EdgeSession[]): Finding[] {
  return byMetro(sessions.filter((s) => s.role !== 'backup')).flatMap(([metro, twins]) => {
    if (twins.length < 2) return [];
    const prefixes = [...new Set(twins.flatMap((s) => s.routes.filter((r) => r.accepted).map((r) => r.prefix)))];
    if (prefixes.length === 0)
      return [{ status: 'fail' as const, text: `metro ${metro}: the edge accepted no partner prefix on any twin` }];
    return prefixes.map((prefix): Finding => {
      const seen = twins.map((s) => ({ s, r: s.routes.find((r) => r.prefix === prefix && r.accepted) }));
      const missing = seen.filter((x) => !x.r).map((x) => x.s.interconnect);
      const attrs = seen.map(
        ({ s, r }) =>
          `${s.interconnect}: ${r ? `MED ${r.med}, path length ${r.asPath.length}, origin ${r.origin}` : 'not received'}`,
      );
      const present = seen.flatMap((x) => (x.r ? [x.r] : []));
      const differs = (f: (r: ReceivedRoute) => string | number) => new Set(present.map(f)).size > 1;
      const steer = [
        ...(missing.length
          ? [
              `only on ${seen
                .filter((x) => x.r)
                .map((x) => x.s.interconnect)
                .join(', ')}`,
            ]
          : []),
        ...(differs((r) => r.med) ? ['MED differs'] : []),
        ...(differs((r) => r.asPath.length) ? ['AS-path length differs'] : []),
        ...(differs((r) => r.origin) ? ['origin differs'] : []),
      ];
      return steer.length
        ? {
            status: 'fail',
            text: `metro ${metro}, ${prefix}: ${steer.join('; ')}: the edge prefers one twin (${attrs.join('; ')})`,
          }
        : { status: 'pass', text: `metro ${metro}, ${prefix}: equal at the edge (${attrs.join('; ')})` };
    });
  });
}

function bfdFindings(model: LabModel, view: EdgeView): Finding[] {
  const required = model.type === 'voice';
  return view.sessions.map((s): Finding => {
    if (!s.bfdConfigured)
      return {
        status: required ? 'fail' : 'warn',
        text: `${s.interconnect}: the lab runs no BFD on this session (${required ? 'required' : 'recommended'})`,
      };
    const gate = view.gate.filter((e) => e.node === s.edge && e.peer === s.peer);
    const released = gate.find((e) => e.event === 'released');
    const held = gate.filter((e) => e.event === 'held').length;
    const gateText =
      view.gate.length === 0 && !released
        ? 'no gate (the edge daemon cannot hold a session)'
        : released
          ? `the edge held BGP until BFD was up and released it ${(released.atMs / 1000).toFixed(1)} s after the daemons started${held ? `; held again ${held}x when BFD went down` : ''}`
          : `the edge held BGP all along: BFD from ${s.peerRouter} never came up, so no routes were exchanged`;
    const up = s.bfd === 'up' && s.bgp === 'Established';
    const failed = gate.find((e) => e.event === 'failed');
    if (failed && !up)
      return {
        status: 'inconclusive',
        text: `${s.interconnect}: BFD ${s.bfd}, BGP ${s.bgp} at ${s.edge}; the lab's BFD gate failed there (${failed.error}), so the session's state is the lab's, not the config's`,
      };
    const ic = model.interconnects.find((i) => i.id === s.interconnect);
    const topology = ic?.bfd ? bfdDetectionMs(ic.bfd) : undefined;
    const timers = s.bfdDetectMs
      ? `; ${s.bfdDetectMs} ms detection at the edge as negotiated${s.bfdRemoteMultiplier ? ` (${s.peerRouter}'s multiplier x ${s.bfdRemoteMultiplier})` : ''}${topology !== undefined && s.bfdDetectMs > topology ? `, slower than the topology's ${topology} ms: the scenarios' bounds follow it` : ''}`
      : '';
    return {
      status: up ? 'pass' : required ? 'fail' : 'warn',
      text: `${s.interconnect}: BFD ${s.bfd}, BGP ${s.bgp} at ${s.edge}${timers}; ${gateText}`,
    };
  });
}
