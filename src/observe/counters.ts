import type { Timeline } from './timeline.js';

/** Packets (in plus out) through `iface` of `node` between two times, from the timeline's counter samples. */
export function packetsThrough(timeline: Timeline, node: string, iface: string, fromMs: number, toMs: number): number {
  const samples = timeline.counters.filter((c) => c.node === node && c.counters[iface]);
  const at = (ms: number) => samples.reduce((best, c) => (Math.abs(c.atMs - ms) < Math.abs(best.atMs - ms) ? c : best));
  if (samples.length === 0) return 0;
  const [a, b] = [at(fromMs).counters[iface]!, at(toMs).counters[iface]!];
  return Math.max(0, b.rx + b.tx - a.rx - a.tx);
}
