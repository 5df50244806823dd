import { z } from 'zod';
import { duration, durationMs } from '../../util/duration.js';
import { defineFault } from '../kind.js';
import { direction } from '../options.js';
import { links, netemSteps, senders } from '../steps.js';

/** The delay and jitter as netem takes them, ms (the delay 50 unless given). */
const delayMs = (o: { delay?: number | string | undefined }) => (o.delay === undefined ? 50 : durationMs(o.delay));
const jitterMs = (o: { jitter?: number | string | undefined }) => (o.jitter === undefined ? 0 : durationMs(o.jitter));

const options = z
  .strictObject({
    delay: duration.optional().describe('latency netem adds at the egress (default 50ms)'),
    jitter: duration.optional().describe('uniform variation around the delay (netem reorders with it at high rates)'),
    reorder: z
      .number()
      .int()
      .min(0)
      .max(100)
      .optional()
      .describe('share of frames (%) sent undelayed, so they overtake the others'),
    direction,
  })
  .superRefine((o, ctx) => {
    const ms = delayMs(o);
    const whole = (what: string, n: number, max: number) => {
      if (!Number.isInteger(n) || n < 0 || n > max)
        ctx.addIssue({ code: 'custom', message: `${what} must be a whole number from 0 to ${max} (got ${n})` });
    };
    whole('the delay (ms)', ms, 10_000);
    if (o.jitter !== undefined) whole('the jitter (ms), at most the delay,', jitterMs(o), ms);
    if (o.reorder && ms === 0)
      ctx.addIssue({ code: 'custom', message: 'reordering needs a delay for the other frames to be late by' });
  });

/**
 * Latency, jitter and reordering with netem at the egress of one end or both (a long or congested transport
 * circuit).
 */
export const delay = defineFault({
  name: 'delay',
  summary: 'netem latency (and jitter, reordering) on every frame at the egress of both ends or one',
  targets: ['member', 'interconnect'],
  options,
  needs: () => ['sch_netem'],
  latencyMs: (o) => delayMs(o) + jitterMs(o),
  plan: (t, o) => {
    const { ic, ifaces } = links(t);
    const impairment = [
      'delay',
      `${delayMs(o)}ms`,
      ...(jitterMs(o) ? [`${jitterMs(o)}ms`] : []),
      ...(o.reorder ? ['reorder', `${o.reorder}%`] : []),
    ];
    return senders(ic, o.direction).map((node) => netemSteps(node, ifaces, impairment));
  },
});
