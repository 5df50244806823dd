import type { InterfaceCounters, Timeline } from './timeline.js';

/**
 * How much `count` of `iface` on `node` grew between two times, from the timeline's counter samples
 * nearest to them. A counter that went down was reset (an interface recreated, as OVS's taps are after
 * router-kill): it counts from zero again.
 */
export function counterGrowth(
  timeline: Timeline,
  node: string,
  iface: string,
  count: (c: InterfaceCounters) => number,
  fromMs: number,
  toMs: number,
): number {
  const samples = timeline.counters.filter((c) => c.node === node && c.counters[iface]);
  if (samples.length === 0) return 0;
  const nearest = (ms: number) =>
    samples.reduce((best, c, i) => (Math.abs(c.atMs - ms) < Math.abs(samples[best]!.atMs - ms) ? i : best), 0);
  const [first, last] = [nearest(fromMs), nearest(toMs)];
  let total = 0;
  for (let i = first + 1; i <= last; i++) {
    const [a, b] = [count(samples[i - 1]!.counters[iface]!), count(samples[i]!.counters[iface]!)];
    total += b < a ? b : b - a;
  }
  return total;
}

/** Packets (in plus out) through `iface` of `node` between two times. */
export function packetsThrough(timeline: Timeline, node: string, iface: string, fromMs: number, toMs: number): number {
  return (
    counterGrowth(timeline, node, iface, (c) => c.rx, fromMs, toMs) +
    counterGrowth(timeline, node, iface, (c) => c.tx, fromMs, toMs)
  );
}

/** What a counter grew by between the first and last samples taken inside a window, and the span they cover. */
export interface WindowGrowth {
  growth: number;
  spanMs: number;
}

/**
 * Packets (in plus out) through `iface` of `node` counted only between samples taken inside [fromMs, toMs]:
 * a sample outside would count traffic of another moment (a router whose counters could not be read during
 * a fault, its daemon dead, has its nearest samples from before the fault and after the revert).
 * Undefined when fewer than two samples fall inside.
 */
export function packetsWithin(
  timeline: Timeline,
  node: string,
  iface: string,
  fromMs: number,
  toMs: number,
): WindowGrowth | undefined {
  const inside = timeline.counters.filter(
    (c) => c.node === node && c.counters[iface] && c.atMs >= fromMs && c.atMs <= toMs,
  );
  if (inside.length < 2) return undefined;
  const [first, last] = [inside[0]!.atMs, inside[inside.length - 1]!.atMs];
  return { growth: packetsThrough(timeline, node, iface, first, last), spanMs: last - first };
}
