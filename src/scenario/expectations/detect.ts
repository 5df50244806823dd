import { bfdDetectionMs } from '../../daemons/intent.js';
import { z } from 'zod';
import type { TimelineEvent } from '../../observe/timeline.js';
import { duration, durationMs, name } from '../values.js';
import type { ScenarioRecord } from '../record.js';
import { ms, type ExpectationKind } from './types.js';

/** What detected a failure, as the timeline shows it. */
const events = {
  'bfd-down': (e: TimelineEvent) => e.kind === 'bfd' && e.from === 'up',
  'bgp-down': (e: TimelineEvent) => e.kind === 'bgp' && e.from === 'Established',
  'member-down': (e: TimelineEvent) => e.kind === 'member' && e.to === 'disabled',
  'lag-down': (e: TimelineEvent) => e.kind === 'lacp' && e.to === 'not negotiated',
  /** The session's BFD went down or its BGP left Established, whichever came first (the peer's BFD may end it first). */
  'session-down': (e: TimelineEvent) =>
    (e.kind === 'bfd' && e.from === 'up') || (e.kind === 'bgp' && e.from === 'Established'),
};
type DetectEvent = keyof typeof events;

/** Timers a bound may be written in, from the protocol and the topology. */
const lacpFastTimeoutMs = 3000; // 802.1AX short timeout: 3 x 1 s LACPDUs
const samplingMs = 100; // the timeline reads every router every 100 ms

const schema = z.strictObject({
  event: z.enum(Object.keys(events) as [DetectEvent, ...DetectEvent[]]),
  node: name,
  session: z.string().optional().describe('the BGP/BFD session (an interconnect id such as ams/ic1, or an address)'),
  lag: z.string().optional().describe('the LAG (an interconnect id) whose members or LACP are watched'),
  after: z.string().optional().describe('the fault step it follows, by its name (default: the first fault)'),
  within: z
    .string()
    .regex(
      /^(bfd|lacp|carrier|\d+(\.\d+)?(ms|s))( \+ \d+(\.\d+)?(ms|s))?$/,
      'must be "bfd", "lacp", "carrier" or a duration, optionally "+ <duration>" (e.g. "bfd + 100ms")',
    )
    .describe("bfd = the session's interval x multiplier, lacp = 3 s (fast timeout), carrier = 0"),
  tolerance: duration.optional().describe('added for sampling (default 100 ms: the timeline samples every 100 ms)'),
});

export interface DetectBody {
  event: DetectEvent;
  node: string;
  subject?: string;
  subjectLabel?: string;
  after?: string;
  within: string;
  boundMs: number;
  toleranceMs: number;
  /** `within: carrier + x`: the x, and the bound of the mechanism that would detect it otherwise (BFD, LACP). */
  carrier?: { extraMs: number; fallbackMs: number; fallback: string };
}

/** A carrier-relative bound may grow with the lab's measured chain up to this share of the fallback's bound. */
const fallbackShare = 2 / 3;

/**
 * E-SILENT and friends, as timing: an event (BFD down, BGP down, a member or the LAG lost) happened on
 * a node and session within a bound after a fault. The bound is written in the topology's terms (`bfd`
 * is that session's interval x multiplier) plus the timeline's sampling tolerance, so it is the
 * protocol's bound, not a wall-clock guess.
 */
export const detect: ExpectationKind<'detect', typeof schema, DetectBody> = {
  timingBased: true,
  kind: 'detect',
  schema,
  bind(d, path, ctx) {
    ctx.router(d.node, [...path, 'node']);
    const session = d.session ? ctx.session(d.node, d.session, [...path, 'session']) : undefined;
    const lag = d.lag ? ctx.lag(d.node, d.lag, [...path, 'lag']) : undefined;
    if (d.after && !ctx.steps.some((s) => s.kind === 'fault' && s.name === d.after))
      ctx.fail(
        `no fault step named "${d.after}"; faults: ${ctx.steps.flatMap((s) => (s.kind === 'fault' ? [`"${s.name}"`] : [])).join(', ') || 'none'}`,
        [...path, 'after'],
      );
    const [base, extra] = d.within.split(' + ');
    let baseMs = 0;
    const bfd = ctx.model.sessions.find(
      (s) => (s.interconnect === d.session || [s.a.address, s.b.address].includes(d.session ?? '')) && s.bfd,
    )?.bfd;
    if (base === 'bfd') {
      if (!session || !bfd)
        ctx.fail('"bfd" needs a session that runs BFD (session: <interconnect>)', [...path, 'within']);
      baseMs = bfdDetectionMs(bfd!);
    } else if (base === 'lacp') baseMs = lacpFastTimeoutMs;
    else if (base !== 'carrier') baseMs = durationMs(base!);
    return {
      event: d.event,
      node: d.node,
      ...(session ? { subject: session.address, subjectLabel: session.label } : {}),
      ...(lag ? { subject: lag.iface, subjectLabel: lag.label } : {}),
      ...(d.after ? { after: d.after } : {}),
      within: d.within,
      boundMs: baseMs + (extra ? durationMs(extra) : 0),
      ...(base === 'carrier'
        ? { carrier: carrierFallback(d.event, extra ? durationMs(extra) : 0, bfd ?? undefined) }
        : {}),
      toleranceMs: d.tolerance !== undefined ? durationMs(d.tolerance) : samplingMs,
    };
  },
  judge(e, r) {
    const lab = labBound(e, r);
    const limit = lab.boundMs + e.toleranceMs;
    const expected = `${e.event} on ${e.node}${e.subjectLabel ? ` ${e.subjectLabel}` : ''} within ${e.within} (${ms(lab.boundMs)}${lab.note}) + ${ms(e.toleranceMs)} sampling of ${e.after ?? 'the first fault'}`;
    const fault = e.after ? r.faults.find((f) => f.name === e.after) : r.faults[0];
    if (!fault) return { pass: false, expected, measured: 'the fault was not applied', details: [] };
    const match = events[e.event];
    const seen = r.timeline.events.find(
      (x) =>
        x.atMs >= fault.applyingAt &&
        x.node === e.node &&
        match(x) &&
        (!e.subject || x.subject === e.subject || x.subject.startsWith(`${e.subject}-`)),
    );
    if (!seen) return { pass: false, expected, measured: 'never happened', details: [] };
    // The change happened between the last sample that saw the old state and the one that saw the new.
    const at = seen.atMs - fault.applyingAt;
    const since = Math.max(0, seen.sinceMs - fault.applyingAt);
    const measured = `${ms(since)}-${ms(at)} after the fault (${seen.subject} ${seen.from ?? ''} -> ${seen.to})`;
    const details = seen.detail ? [`${e.node}'s daemon says: ${seen.detail}`] : [];
    if (at <= limit) return { pass: true, expected, measured, details };
    // The daemon's own reason tells the mechanism apart when timing cannot: carrier, only late.
    if (e.carrier && seen.cause === 'carrier') {
      const late = `${e.node}'s daemon says the session fell on carrier ("${seen.detail}"), later than ${ms(lab.boundMs)}: the router itself reacted late on this host (the self-test measures the chain to the LAG driver, not the routers' reaction)`;
      return { pass: false, inconclusive: late, lateReaction: late, expected, measured, details };
    }
    // Later than the bound: the network's, unless the lab's own instrument cannot resolve it.
    if (lab.unresolved && since <= lab.uncappedMs + e.toleranceMs)
      return { pass: false, inconclusive: lab.unresolved, expected, measured, details };
    // The change came after `since`: only then is it known to be late. Samples further apart than the
    // tolerance allows can leave it on either side of the bound.
    if (since <= lab.boundMs)
      return {
        pass: false,
        inconclusive: `the timeline's samples around it were ${ms(seen.atMs - seen.sinceMs)} apart (it samples every ${ms(r.timeline.intervalMs)}, the bound allows ${ms(e.toleranceMs)}): the change came between ${ms(since)} and ${ms(at)}, on either side of ${ms(lab.boundMs)}`,
        expected,
        measured,
        details,
      };
    // The failure itself came somewhere in the fault's application (a LAG's members go one after another;
    // hardware loses a bundle at once): late only if late even from the application's last step.
    const applyingMs = fault.appliedAt - fault.applyingAt;
    if (since - applyingMs <= lab.boundMs)
      return {
        pass: false,
        inconclusive: `the fault took ${ms(applyingMs)} to apply on this host: from its last step the change came ${ms(Math.max(0, since - applyingMs))}-${ms(at - applyingMs)} after it, on either side of ${ms(lab.boundMs)}`,
        expected,
        measured,
        details,
      };
    return { pass: false, expected, measured, details };
  },
};

/** What would detect the failure if carrier did not: BFD for a session's events, LACP's timeout for a LAG's. */
function carrierFallback(
  event: DetectEvent,
  extraMs: number,
  bfd: { intervalMs: number; multiplier: number } | undefined,
): NonNullable<DetectBody['carrier']> {
  if ((event === 'bgp-down' || event === 'bfd-down' || event === 'session-down') && bfd)
    return { extraMs, fallbackMs: bfdDetectionMs(bfd), fallback: 'BFD' };
  return { extraMs, fallbackMs: lacpFastTimeoutMs, fallback: 'the LACP timeout' };
}

/**
 * A `carrier` bound in the lab's terms: carrier is what the lab measured from a member's carrier loss to
 * the LAG driver's event (the path that also takes a LAG's interface down under its sessions), capped at a
 * share of the fallback's bound, so a lab that really fell back to BFD still fails. When the measured
 * chain itself passes that cap, the lab cannot tell carrier from the fallback: `unresolved` says why.
 */
function labBound(
  e: DetectBody,
  r: ScenarioRecord,
): { boundMs: number; uncappedMs: number; note: string; unresolved?: string } {
  const chain = r.calibration?.carrier;
  if (!e.carrier || !chain || 'error' in chain) return { boundMs: e.boundMs, uncappedMs: e.boundMs, note: '' };
  const measured = chain.lagMs;
  if (measured === null) return { boundMs: e.boundMs, uncappedMs: e.boundMs, note: '' };
  const uncapped = measured + e.carrier.extraMs;
  const cap = Math.round(e.carrier.fallbackMs * fallbackShare);
  const what = 'to the LAG driver';
  if (uncapped <= cap)
    return { boundMs: uncapped, uncappedMs: uncapped, note: `: carrier ${what} measured ${ms(measured)} in this lab` };
  return {
    boundMs: cap,
    uncappedMs: uncapped,
    note: `: capped at ${Math.round(fallbackShare * 100)}% of ${e.carrier.fallback}'s ${ms(e.carrier.fallbackMs)}`,
    unresolved: `this lab's carrier chain ${what} (${ms(measured)}) + ${ms(e.carrier.extraMs)} passes ${Math.round(fallbackShare * 100)}% of ${e.carrier.fallback}'s ${ms(e.carrier.fallbackMs)}: it cannot tell carrier detection from ${e.carrier.fallback} here`,
  };
}
