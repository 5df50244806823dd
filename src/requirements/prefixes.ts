import { Address4 } from 'ip-address';
import { overlaps, parsePrefix } from '../topology/addresses.js';
import { classifyAsn, isPrivateAsn } from '../topology/asn.js';
import type { Check } from './context.js';
import { daemonDriver } from '../daemons/registry.js';
import { citeLine } from './evidence.js';
import {
  communityFindings,
  leakFindings,
  originFindings,
  longPathSmall,
  pathFindings,
  limitStatus,
  prefixLimitFindings,
  privatePath,
  type Finding,
} from './daemon-findings.js';
import { fromFindings, type RuleResult } from './result.js';
import type { RouterEvidence } from './router-evidence.js';

/** Every ASN the peer's routers are configured with: the peer's, and any router's own (a per-router override). */
function peerAsns(model: Parameters<Check>[0]['model']): { asn: number; where: string }[] {
  const overrides = model.nodes.filter((n) => n.role === 'peer-router' && n.asn !== model.peer.asn);
  return [
    { asn: model.peer.asn, where: 'peer.asn' },
    ...overrides.map((n) => ({ asn: n.asn!, where: `${n.name} (its own asn)` })),
  ];
}

export const asnPublic: Check = ({ model }) =>
  fromFindings(
    'R-ASN-PUBLIC',
    peerAsns(model).map(({ asn, where }) => {
      if (asn === model.microsoft.asn)
        return { status: 'fail', text: `${where}: AS${asn} is Microsoft's ASN, not the peer's own` };
      const kind = classifyAsn(asn);
      // Every session toward AS8075 comes from the ASN the peer registered: another public one is not its own.
      if (asn !== model.peer.asn && (kind === 'public' || kind === 'documentation'))
        return { status: 'fail', text: `${where}: AS${asn} is not the peer's own ASN (peer.asn AS${model.peer.asn})` };
      if (kind === 'public') return { status: 'pass', text: `${where}: AS${asn} is public` };
      if (kind === 'documentation')
        return model.lab
          ? { status: 'warn', text: `${where}: AS${asn} is a documentation ASN (RFC 5398): accepted in lab mode only` }
          : { status: 'fail', text: `${where}: AS${asn} is a documentation ASN and the topology is not in lab mode` };
      return { status: 'fail', text: `${where}: AS${asn} is ${kind}` };
    }),
  );

const notPublic = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '0.0.0.0/8',
  '224.0.0.0/3',
].map((p) => new Address4(p));
const documentation = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '198.18.0.0/15'].map(
  (p) => new Address4(p),
);

export const ownIpv4: Check = ({ model, evidence }) =>
  fromFindings('R-OWN-IPV4', [
    ...model.peer.prefixes.map(({ prefix }): Finding => {
      const parsed = parsePrefix(prefix);
      if (notPublic.some((r) => overlaps(r, parsed)))
        return { status: 'fail', text: `${prefix} is not publicly routable` };
      if (documentation.some((r) => overlaps(r, parsed))) {
        return {
          status: model.lab ? 'warn' : 'fail',
          text: `${prefix} is a documentation range${model.lab ? ' (lab mode)' : ''}`,
        };
      }
      return { status: 'pass', text: `${prefix} public IPv4 (ownership declared)` };
    }),
    ...[...evidence.values()].flatMap((e) => leakFindings(model, e)),
  ]);

export const prefixClass: Check = ({ model }) =>
  fromFindings(
    'R-PREFIX-CLASS',
    model.peer.prefixes.map((p) =>
      p.trafficClass
        ? { status: 'pass', text: `${p.prefix}: ${p.trafficClass}` }
        : { status: 'fail', text: `${p.prefix}: no class declared` },
    ),
  );

export const community: Check = ({ model, peerConfigs, evidence }) => {
  if (model.type === 'ers')
    return { rule: 'R-COMMUNITY', status: 'n/a', evidence: ['T-ERS registers origin ASNs, not communities'] };
  const findings = model.peer.prefixes
    .filter((p) => p.registered)
    .map((p): Finding =>
      p.communities.includes('8075:8007')
        ? { status: 'pass' as const, text: `${p.prefix} tagged 8075:8007` }
        : {
            status: 'fail' as const,
            text: `${p.prefix} is registered but announced without 8075:8007${p.communities.length ? ` (has ${p.communities.join(' ')})` : ''}`,
          },
    );
  if (findings.some((f) => f.status === 'pass')) {
    for (const config of peerConfigs) {
      const ran = evidence.get(config.node);
      if (ran) {
        for (const ic of model.interconnects.filter((i) => i.peerRouter === config.node))
          findings.push(...communityFindings(model, ic, ran));
        continue;
      }
      const line = citeLine(config, (e) => e.community('8075:8007'));
      findings.push(
        line
          ? { status: 'pass', text: `tagging at ${line}` }
          : { status: 'fail', text: `${config.node} does not tag 8075:8007` },
      );
    }
  }
  return fromFindings('R-COMMUNITY', findings, 'no registered prefixes');
};

export const originAsnRegistered: Check = ({ model, evidence }) => {
  if (model.type !== 'ers')
    return {
      rule: 'R-ORIGIN-ASN-REGISTERED',
      status: 'n/a',
      evidence: [`T-${model.type.toUpperCase()} registers prefixes, not origin ASNs`],
    };
  const registered = model.peer.registeredOriginAsns;
  const duplicates = registered.filter((a, i) => registered.indexOf(a) !== i);
  const findings = [
    ...[...new Set(duplicates)].map((asn) => ({
      status: 'fail' as const,
      text: `AS${asn} is registered more than once (a duplicate registration is refused)`,
    })),
    ...model.peer.prefixes.map((p) =>
      registered.includes(p.originAsn)
        ? { status: 'pass' as const, text: `${p.prefix} originated by registered AS${p.originAsn}` }
        : { status: 'fail' as const, text: `${p.prefix} originated by AS${p.originAsn}, which is not registered` },
    ),
    // What the partner's own routers send, members' routes included, as their daemons sent it.
    ...[...evidence.values()].flatMap((e) => originFindings(model, e)),
  ];
  return fromFindings('R-ORIGIN-ASN-REGISTERED', findings);
};

type Model = Parameters<Check>[0]['model'];

/**
 * The AS paths a prefix is sent with toward AS8075, one per distinct path over the interconnects: the
 * router's ASN (its own when it overrides peer.asn), repeated once more per prepend, then the ASNs behind
 * the peer. This is what the edge receives, not what the topology lists.
 */
function sentPaths(model: Model, p: Model['peer']['prefixes'][number]): { path: number[]; on: string[] }[] {
  const byPath = new Map<string, { path: number[]; on: string[] }>();
  for (const ic of model.interconnects) {
    const asn = model.nodes.find((n) => n.name === ic.peerRouter)!.asn!;
    const path = [...Array<number>(1 + (ic.policy.prepend ?? 0)).fill(asn), ...p.asPath];
    const entry = byPath.get(path.join(' ')) ?? { path, on: [] };
    entry.on.push(ic.id);
    byPath.set(path.join(' '), entry);
  }
  return [...byPath.values()];
}

const on = (s: { on: string[] }, model: Model) =>
  s.on.length === model.interconnects.length ? '' : ` (on ${s.on.join(', ')})`;

/**
 * Routers whose own config decides what they send: judged on what their daemon sent the edges where a
 * sandbox ran it, else decided in the lab.
 */
const ownConfigs = (
  model: Model,
  evidence: Map<string, RouterEvidence>,
  judge: Parameters<typeof pathFindings>[1],
  passText: string,
): Finding[] =>
  model.nodes
    .filter((n) => n.role === 'peer-router' && n.config)
    .flatMap((n) => {
      const ran = evidence.get(n.name);
      if (ran) return pathFindings(ran, judge, passText);
      return [
        {
          status: 'n/a' as const,
          text: `${n.name} runs its own config (${n.config!.file}): the paths it sends are decided in the lab`,
        },
      ];
    });

export const noPrivateAsnInPath: Check = ({ model, evidence }) =>
  fromFindings('R-NO-PRIVATE-ASN-IN-PATH', [
    ...model.peer.prefixes.flatMap((p) =>
      sentPaths(model, p).map((s) => {
        const bad = s.path.filter(isPrivateAsn);
        return bad.length
          ? {
              status: 'fail' as const,
              text: `${p.prefix} path ${s.path.join(' ')}${on(s, model)} has private AS${bad.join(', AS')}`,
            }
          : { status: 'pass' as const, text: `${p.prefix} path ${s.path.join(' ')}${on(s, model)}` };
      }),
    ),
    ...ownConfigs(model, evidence, privatePath, 'none with a private ASN in its path'),
  ]);

/** The documents disagree on whether registration accepts prefixes longer than /24: report both readings. */
export const asPathSmallPrefix: Check = ({ model, evidence }): RuleResult[] => {
  const longer = model.peer.prefixes.filter((p) => parsePrefix(p.prefix).subnetMask > 24);
  if (longer.length === 0) {
    const evidence = ['no prefix longer than /24'];
    return [
      { rule: 'R-ASPATH-SMALL-PREFIX', reading: '/25+ accepted if path < 4', status: 'pass', evidence },
      { rule: 'R-ASPATH-SMALL-PREFIX', reading: '/24 or shorter only', status: 'pass', evidence },
    ];
  }
  // The length the edge sees: prepends count, so a /25 sent with one prepend too many is refused.
  const accepted = fromFindings('R-ASPATH-SMALL-PREFIX', [
    ...longer.flatMap((p) =>
      sentPaths(model, p).map((s) =>
        s.path.length >= 4
          ? {
              status: 'fail' as const,
              text: `${p.prefix} path ${s.path.join(' ')}${on(s, model)} has ${s.path.length} ASNs as sent, prepends included (must be fewer than 4)`,
            }
          : {
              status: 'pass' as const,
              text: `${p.prefix} path ${s.path.join(' ')}${on(s, model)} has ${s.path.length} ASNs`,
            },
      ),
    ),
    ...ownConfigs(model, evidence, longPathSmall, 'none longer than /24 with 4 ASNs or more'),
  ]);
  const registration = fromFindings(
    'R-ASPATH-SMALL-PREFIX',
    longer.map((p) => ({
      status: p.registered ? 'warn' : 'pass',
      text: p.registered
        ? `${p.prefix} is registered but longer than /24: registration may refuse it`
        : `${p.prefix} is not registered`,
    })),
  );
  return [
    { ...accepted, reading: '/25+ accepted if path < 4' },
    { ...registration, reading: '/24 or shorter only' },
  ];
};

/**
 * Microsoft announces about 280 prefixes and the count grows 10-15%: a limit below the edge's
 * announcement plus 15% tears the session down as it grows; 400-500 is the documented setting. Each
 * peer router is judged on the limit its config really sets (a partner's file may differ from the
 * topology's max-prefix).
 */
export const maxPrefix: Check = ({ model, peerConfigs, evidence }) => {
  const announced = model.microsoft.servicePrefixes.length;
  const failBelow = Math.ceil(announced * 1.15);
  const warnBelow = Math.max(400, failBelow);
  const findings = peerConfigs.flatMap((config): Finding[] => {
    const pattern = daemonDriver(config.daemon).evidence.maxPrefixValue;
    const lines = config.text.split('\n');
    const at = (index: number) => `${config.source ?? `${config.node}/${config.file}`}:${index + 1}`;
    const ran = evidence.get(config.node);
    if (ran)
      // The daemon says which limit it holds; the line cited is the first that sets that number.
      return prefixLimitFindings(ran, { failBelow, warnBelow }, (limit) => {
        const index = lines.findIndex((l) => Number(pattern.exec(l)?.[1]) === limit);
        return index < 0 ? undefined : at(index);
      });
    const index = lines.findIndex((l) => pattern.test(l));
    if (index < 0) return [{ status: 'fail' as const, text: `${config.node}: no max-prefix toward AS8075` }];
    const limit = Number(lines[index]!.match(pattern)![1]);
    return [
      { status: limitStatus(limit, { failBelow, warnBelow }), text: `${config.node}: limit ${limit} at ${at(index)}` },
    ];
  });
  const result = fromFindings('R-MAX-PREFIX', findings);
  result.evidence.unshift(
    `the edge announces ${announced}; below ${failBelow} (that plus 15% growth) fails, below ${warnBelow} warns, 400-500 is the documented setting`,
  );
  return result;
};
