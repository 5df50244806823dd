import { z } from 'zod';
import type { TimelineEvent } from '../../observe/timeline.js';
import { duration, durationMs, name } from '../values.js';
import { ms, type ExpectationKind } from './types.js';

/** What detected a failure, as the timeline shows it. */
const events = {
  'bfd-down': (e: TimelineEvent) => e.kind === 'bfd' && e.from === 'up',
  'bgp-down': (e: TimelineEvent) => e.kind === 'bgp' && e.from === 'Established',
  'member-down': (e: TimelineEvent) => e.kind === 'member' && e.to === 'disabled',
  'lag-down': (e: TimelineEvent) => e.kind === 'lacp' && e.to === 'not negotiated',
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
}

/**
 * E-SILENT and friends, as timing: an event (BFD down, BGP down, a member or the LAG lost) happened on
 * a node and session within a bound after a fault. The bound is written in the topology's terms (`bfd`
 * is that session's interval x multiplier) plus the timeline's sampling tolerance, so it is the
 * protocol's bound, not a wall-clock guess.
 */
export const detect: ExpectationKind<'detect', typeof schema, DetectBody> = {
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
    if (base === 'bfd') {
      const bfd = ctx.model.sessions.find(
        (s) => (s.interconnect === d.session || [s.a.address, s.b.address].includes(d.session ?? '')) && s.bfd,
      )?.bfd;
      if (!session || !bfd)
        ctx.fail('"bfd" needs a session that runs BFD (session: <interconnect>)', [...path, 'within']);
      baseMs = bfd!.intervalMs * bfd!.multiplier;
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
      toleranceMs: d.tolerance !== undefined ? durationMs(d.tolerance) : samplingMs,
    };
  },
  judge(e, r) {
    const limit = e.boundMs + e.toleranceMs;
    const expected = `${e.event} on ${e.node}${e.subjectLabel ? ` ${e.subjectLabel}` : ''} within ${e.within} (${ms(e.boundMs)}) + ${ms(e.toleranceMs)} sampling of ${e.after ?? 'the first fault'}`;
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
    return {
      pass: at <= limit,
      expected,
      measured: `${ms(since)}-${ms(at)} after the fault (${seen.subject} ${seen.from ?? ''} -> ${seen.to})`,
      details: seen.detail ? [seen.detail] : [],
    };
  },
};
