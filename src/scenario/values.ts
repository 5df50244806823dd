import { z } from 'zod';

/** Value types scenario files share, and how they become numbers. */

export const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'must start with a lowercase letter and use only a-z, 0-9 and "-"');

export { duration, durationMs } from '../util/duration.js';

export const bound = z.strictObject({
  min: z.number().int().min(0).optional(),
  max: z.number().int().min(0).optional(),
});
export type Bound = z.output<typeof bound>;

export function describeBound(b: Bound): string {
  return [b.min !== undefined ? `>= ${b.min}` : '', b.max !== undefined ? `<= ${b.max}` : '']
    .filter(Boolean)
    .join(' and ');
}

export const withinBound = (n: number, b: Bound) =>
  (b.min === undefined || n >= b.min) && (b.max === undefined || n <= b.max);

/**
 * before: until the first fault; during: first fault to last revert; after: from the last revert;
 * restored: from the end of the last `wait: restored` step (the optimized path is back); all: the whole run.
 */
export const phases = ['before', 'during', 'after', 'restored', 'all'] as const;
export type Phase = (typeof phases)[number];
