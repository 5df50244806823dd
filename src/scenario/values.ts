import { z } from 'zod';

/** Value types scenario files share, and how they become numbers. */

export const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'must start with a lowercase letter and use only a-z, 0-9 and "-"');

export const duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(/^\d+(\.\d+)?(ms|s|m)$/, 'must be a duration such as "300ms", "3s" or "2m" (a number is seconds)'),
  ])
  .describe('a duration: "300ms", "3s", "2m", or a number of seconds');

/** Duration in ms: a number is seconds; strings carry their unit. */
export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value * 1000;
  const [, amount, unit] = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value)!;
  return Number(amount) * { ms: 1, s: 1000, m: 60_000 }[unit as 'ms' | 's' | 'm'];
}

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
