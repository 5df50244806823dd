import { z } from 'zod';

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
