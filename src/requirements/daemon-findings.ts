import { overlaps, parsePrefix } from '../topology/addresses.js';
import { isPrivateAsn } from '../topology/asn.js';
import type { Interconnect, LabModel } from '../topology/model.js';
import { bfdDetectionMs } from '../daemons/intent.js';
import type { PrefixLimit } from '../daemons/types.js';
import { worst, type Status } from './result.js';
import type { EvidenceRoute, RouterEvidence, SessionEvidence } from './router-evidence.js';

/** One finding of a rule, as the checks collect them. */
export interface Finding {
  status: Status;
  text: string;
}

const tag = '8075:8007';
const by = (e: RouterEvidence) => `${e.router}'s ${e.daemon} ${e.version}`;
const edgeOf = (e: RouterEvidence, ic: Interconnect): SessionEvidence | undefined =>
  e.sessions.find((s) => s.kind === 'interconnect' && s.stands === ic.id);
const down = (ic: Interconnect, s: SessionEvidence | undefined, e: RouterEvidence): Finding => ({
  status: 'fail',
  text: `${ic.id}: ${by(e)} did not establish BGP with the edge (${s?.state ?? 'no session'}${s?.info ? `: ${s.info}` : ''})`,
});

/** R-BFD from the daemon: a BFD session with the edge, and the timers the two ends agreed. */
export function bfdFinding(model: LabModel, ic: Interconnect, e: RouterEvidence): Finding {
  const missing = model.type === 'voice' ? 'fail' : 'warn';
  const s = edgeOf(e, ic);
  if (!s || s.state !== 'Established') return down(ic, s, e);
  if (s.bfd?.state !== 'up')
    return {
      status: missing,
      text: `${ic.id}: ${by(e)} runs no BFD with the edge (the edge's BFD session: ${s.bfd?.state ?? 'none'})${model.type === 'voice' ? ' (required for T-VOICE)' : ' (recommended)'}`,
    };
  const edge = ic.bfd ? bfdDetectionMs(ic.bfd) : undefined;
  const slower = edge !== undefined && s.bfd.detectionMs > edge;
  // The edge detects a loss after the router's multiplier of the interval the two agreed.
  const multiplier = Math.round(s.bfd.detectionMs / s.bfd.intervalMs);
  return {
    status: 'pass',
    text: `${ic.id}: BFD up with ${by(e)}: ${s.bfd.intervalMs} ms x ${multiplier} = ${s.bfd.detectionMs} ms detection at the edge, as negotiated${slower ? ` (the router's timers, slower than the edge's ${edge} ms)` : ''}`,
  };
}

/** R-COMMUNITY from the daemon: every registered prefix reaches each edge tagged 8075:8007. */
export function communityFindings(model: LabModel, ic: Interconnect, e: RouterEvidence): Finding[] {
  const s = edgeOf(e, ic);
  if (!s || s.state !== 'Established') return [down(ic, s, e)];
  return model.peer.prefixes
    .filter((p) => p.registered)
    .map((p) => {
      const route = s.received.find((r) => r.prefix === p.prefix);
      if (!route)
        return e.unsettled
          ? {
              status: 'inconclusive',
              text: `${ic.id}: ${p.prefix} had not reached the edge from ${by(e)}: ${e.unsettled}`,
            }
          : { status: 'fail', text: `${ic.id}: ${by(e)} does not announce ${p.prefix}` };
      return route.communities.includes(tag)
        ? { status: 'pass', text: `${ic.id}: ${p.prefix} reaches the edge tagged ${tag} (${by(e)})` }
        : {
            status: 'fail',
            text: `${ic.id}: ${p.prefix} reaches the edge without ${tag}${route.communities.length ? ` (communities ${route.communities.join(' ')})` : ''} (${by(e)})`,
          };
    });
}

/** A rule about the paths of what reaches the edges: one finding per offending route, or one pass. */
export function pathFindings(
  e: RouterEvidence,
  judge: (r: EvidenceRoute) => string | undefined,
  passText: string,
): Finding[] {
  const received = edges(e).flatMap((s) => s.received.map((r) => ({ s, r })));
  const bad = received.flatMap(({ s, r }) => {
    const why = judge(r);
    return why ? [{ status: 'fail' as const, text: `${s.stands}: ${r.prefix} ${why} (${by(e)})` }] : [];
  });
  return bad.length
    ? bad
    : [{ status: 'pass', text: `${e.router}: ${received.length} routes sent to AS8075, ${passText}` }];
}

export const privatePath = (r: EvidenceRoute) =>
  r.asPath.some(isPrivateAsn)
    ? `with private AS${r.asPath.filter(isPrivateAsn).join(', AS')} in its path ${r.asPath.join(' ')}`
    : undefined;

export const longPathSmall = (r: EvidenceRoute) =>
  parsePrefix(r.prefix).subnetMask > 24 && r.asPath.length >= 4
    ? `is a /${parsePrefix(r.prefix).subnetMask} with ${r.asPath.length} ASNs in its path ${r.asPath.join(' ')}`
    : undefined;

/** How many leaked routes a finding names one by one before it counts the rest. */
const namedLeaks = 3;

/**
 * Route leaks toward AS8075 (RFC 7908; MANRS): what reached an edge that is not the peer's own space, named
 * by the witness it was (a bogon, an internet route from the transit, one of the batch). The customers the
 * topology declares are the peer's to announce; on T-ERS so is a member's route of a registered origin ASN.
 */
export function leakFindings(model: LabModel, e: RouterEvidence): Finding[] {
  const own = [...model.peer.prefixes.map((p) => p.prefix), ...model.peer.customers.flatMap((c) => c.prefixes)].map(
    parsePrefix,
  );
  const registered = new Set(model.type === 'ers' ? model.peer.registeredOriginAsns : []);
  return edges(e).flatMap((s) => {
    const leaked = s.received.filter((r) => {
      const p = parsePrefix(r.prefix);
      return !own.some((o) => p.isInSubnet(o) || overlaps(o, p)) && !registered.has(r.asPath.at(-1) ?? -1);
    });
    if (leaked.length === 0) return [];
    const named = leaked.slice(0, namedLeaks).map((r) => {
      const witness = e.witnesses.find((w) => w.prefix === r.prefix);
      return `${r.prefix} (path ${r.asPath.join(' ') || 'empty'}${witness ? `: ${witness.why}` : ''})`;
    });
    const more = leaked.length - named.length;
    return [
      {
        status: 'warn' as const,
        text: `${s.stands}: ${by(e)} leaks ${leaked.length > 1 ? `${leaked.length} routes` : 'a route'} to AS8075 outside the peer's space: ${named.join(', ')}${more ? ` and ${more} more` : ''} (RFC 7908 route leak; MANRS)`,
      },
    ];
  });
}

/** R-ORIGIN-ASN-REGISTERED from the daemon (T-ERS): every route that reached an edge has a registered origin. */
export function originFindings(model: LabModel, e: RouterEvidence): Finding[] {
  const registered = new Set(model.peer.registeredOriginAsns);
  const received = edges(e).flatMap((s) => s.received.map((r) => ({ s, r })));
  const bad = received.filter(({ r }) => !registered.has(r.asPath.at(-1) ?? -1));
  return bad.length
    ? bad.map(({ s, r }) => ({
        status: 'fail' as const,
        text: `${s.stands}: ${by(e)} sends ${r.prefix} of origin ${r.asPath.length ? `AS${r.asPath.at(-1)}` : 'its own (empty path)'}, not registered`,
      }))
    : [
        {
          status: 'pass' as const,
          text: `${e.router}: ${received.length} routes sent to AS8075, each of a registered origin ASN (${by(e)})`,
        },
      ];
}

const edges = (e: RouterEvidence) => e.sessions.filter((s) => s.kind === 'interconnect' && s.state === 'Established');

/** The bounds R-MAX-PREFIX judges a limit against: below `failBelow` fails, below `warnBelow` warns. */
export interface LimitBounds {
  failBelow: number;
  warnBelow: number;
}

/** A limit that cuts the announcement, against the bounds. */
export const limitStatus = (limit: number, bounds: LimitBounds): Status =>
  limit < bounds.failBelow ? 'fail' : limit < bounds.warnBelow ? 'warn' : 'pass';

const limitEffect: Record<PrefixLimit['action'], string> = {
  'session-down': 'the session goes down',
  restart: 'the session goes down and restarts',
  block: 'the routes beyond it are dropped',
  warn: 'a warning is logged, nothing else',
};

/**
 * R-MAX-PREFIX from the daemon: each limit it holds on each edge session, wherever the config set it (the
 * neighbor, its group, a template). A warning-only limit never cuts anything; any other cuts Microsoft's
 * announcement as it grows past it.
 */
export function prefixLimitFindings(
  e: RouterEvidence,
  bounds: LimitBounds,
  cite: (limit: number) => string | undefined,
): Finding[] {
  // Every edge session, up or not: the limit is held whatever the session's state.
  return e.sessions
    .filter((s) => s.kind === 'interconnect')
    .map((s) => {
      if (!s.prefixLimits) return { status: 'n/a', text: `${s.stands}: ${by(e)} did not say which limit it holds` };
      if (s.prefixLimits.length === 0)
        return { status: 'fail', text: `${s.stands}: ${by(e)} holds no max-prefix toward AS8075` };
      const judged = s.prefixLimits.map((l) => {
        const status: Status = l.action === 'warn' ? 'pass' : limitStatus(l.limit, bounds);
        const where = cite(l.limit);
        return {
          status,
          text: `${l.limit} ${l.counts} prefixes, then ${limitEffect[l.action]} (${l.said})${where ? ` at ${where}` : ''}`,
        };
      });
      return {
        status: worst(judged.map((j) => j.status)),
        text: `${s.stands}: ${by(e)} holds a limit of ${judged.map((j) => j.text).join('; ')}`,
      };
    });
}
