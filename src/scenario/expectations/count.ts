import { z } from 'zod';
import type { TimelineEvent } from '../../observe/timeline.js';
import { bound, describeBound, name, withinBound, type Bound } from '../values.js';
import type { ScenarioRecord } from '../record.js';
import type { ExpectationKind } from './types.js';

/** Timeline events a count expectation can count, and which changes they are. */
const events = {
  'bgp-drop': (e: TimelineEvent) => e.kind === 'bgp' && e.from === 'Established',
  'bfd-down': (e: TimelineEvent) => e.kind === 'bfd' && e.from === 'up',
  'member-down': (e: TimelineEvent) => e.kind === 'member' && e.to === 'disabled',
  'lag-down': (e: TimelineEvent) => e.kind === 'lacp' && e.to === 'not negotiated',
};
export type EventKind = keyof typeof events;

/** The state each counted event leaves: a fault can only make it happen again once it is back. */
const upState: Record<EventKind, [TimelineEvent['kind'], string]> = {
  'bgp-drop': ['bgp', 'Established'],
  'bfd-down': ['bfd', 'up'],
  'member-down': ['member', 'enabled'],
  'lag-down': ['lacp', 'negotiated'],
};
export const eventKinds = Object.keys(events) as [EventKind, ...EventKind[]];

const schema = z.strictObject({ event: z.enum(eventKinds), node: name.optional(), ...bound.shape });

export type CountBody = { event: EventKind; node?: string } & Bound;

/** How often a control-plane event happened over the run (flaps, BFD downs, member and LAG losses). */
export const count: ExpectationKind<'count', typeof schema, CountBody> = {
  timingBased: true,
  kind: 'count',
  schema,
  bind(c, path, ctx) {
    if (c.node) ctx.router(c.node, [...path, 'node']);
    return {
      event: c.event,
      ...(c.node ? { node: c.node } : {}),
      ...(c.min !== undefined ? { min: c.min } : {}),
      ...(c.max !== undefined ? { max: c.max } : {}),
    };
  },
  judge(e, r) {
    const found = r.timeline.events.filter((x) => events[e.event](x) && (!e.node || x.node === e.node));
    const pass = withinBound(found.length, e);
    const notBack = pass || e.min === undefined || found.length >= e.min ? [] : stillDown(e, r, found);
    return {
      pass,
      // Too few, because some faults found it not yet back from the one before: the lab recovered slower
      // than the faults came, so those could not count.
      ...(notBack.length && found.length + notBack.length >= e.min!
        ? {
            inconclusive: `${notBack.length} of the ${r.faults.length} faults began before it was back from the one before (${notBack.join('; ')}): this lab recovered slower than the faults came, so they could not count`,
          }
        : {}),
      expected: `${e.event} events${e.node ? ` on ${e.node}` : ' (each router counts its own)'} ${describeBound(e)}`,
      measured: `${found.length}`,
      details: found.map((x) => `${x.node} ${x.kind} ${x.subject} ${x.from ?? ''} -> ${x.to}`),
    };
  },
};

/** The faults that began while something that did count was not back in the state the event leaves. */
function stillDown(e: CountBody, r: ScenarioRecord, found: TimelineEvent[]): string[] {
  const [kind, up] = upState[e.event];
  const subjects = new Set(found.map((x) => `${x.node} ${x.subject}`));
  return r.faults.flatMap((fault, i) => {
    const down = [...subjects].filter((s) => {
      const last = r.timeline.events.filter(
        (x) => x.kind === kind && `${x.node} ${x.subject}` === s && x.atMs <= fault.applyingAt,
      );
      return last.length > 0 && last.at(-1)!.to !== up;
    });
    return down.length ? [`fault ${i + 1}: ${down.map((s) => `${s} not ${up}`).join(', ')}`] : [];
  });
}
