import type { Timeline } from './timeline.js';

/**
 * Packets (in plus out) through `iface` of `node` between two times, from the timeline's counter
 * samples nearest to them. A counter that went down was reset (an interface recreated, as OVS's taps
 * are after router-kill): it counts from zero again.
 */
export function packetsThrough(timeline: Timeline, node: string, iface: string, fromMs: number, toMs: number): number {
  const samples = timeline.counters.filter((c) => c.node === node && c.counters[iface]);
  if (samples.length === 0) return 0;
  const nearest = (ms: number) =>
    samples.reduce((best, c, i) => (Math.abs(c.atMs - ms) < Math.abs(samples[best]!.atMs - ms) ? i : best), 0);
  const [first, last] = [nearest(fromMs), nearest(toMs)];
  let total = 0;
  for (let i = first + 1; i <= last; i++) {
    const [a, b] = [samples[i - 1]!.counters[iface]!, samples[i]!.counters[iface]!];
    const [rx, tx] = [b.rx - a.rx, b.tx - a.tx];
    total += (rx < 0 ? b.rx : rx) + (tx < 0 ? b.tx : tx);
  }
  return total;
}
