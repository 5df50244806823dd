import { z } from 'zod';
import type { TimelineEvent } from '../../observe/timeline.js';
import { bound, describeBound, name, withinBound, type Bound } from '../values.js';
import type { ExpectationKind } from './types.js';

/** Timeline events a count expectation can count, and which changes they are. */
const events = {
  'bgp-drop': (e: TimelineEvent) => e.kind === 'bgp' && e.from === 'Established',
  'bfd-down': (e: TimelineEvent) => e.kind === 'bfd' && e.from === 'up',
  'member-down': (e: TimelineEvent) => e.kind === 'member' && e.to === 'disabled',
  'lag-down': (e: TimelineEvent) => e.kind === 'lacp' && e.to === 'not negotiated',
};
export type EventKind = keyof typeof events;
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
    return {
      pass: withinBound(found.length, e),
      expected: `${e.event} events${e.node ? ` on ${e.node}` : ' (each router counts its own)'} ${describeBound(e)}`,
      measured: `${found.length}`,
      details: found.map((x) => `${x.node} ${x.kind} ${x.subject} ${x.from ?? ''} -> ${x.to}`),
    };
  },
};
