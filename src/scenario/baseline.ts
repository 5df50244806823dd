import type { ScenarioRecord } from './record.js';

/** How long a flow must deliver nothing, from its first counted packet, to be a broken baseline. */
const deadBaselineMs = 2000;

/**
 * A flow that delivered nothing from its first counted packet on measured the lab, not a fault: the
 * path it hashed to never carried it. Loss bounds leave it out and the report warns about it.
 */
export function deadFromStart(f: ScenarioRecord['flows'][number], countedFromMs: number): boolean {
  const first = f.outages[0];
  return (
    first !== undefined && first.startMs <= countedFromMs + 1000 / f.rate + 1 && first.durationMs >= deadBaselineMs
  );
}

/** When flows start to count (after the warm-up): the start of the first phase. */
export const countedFrom = (r: ScenarioRecord) => r.phases.before?.fromMs ?? r.startedAt;

/**
 * Probe RTT p99 before the fault above this says the lab queued probe packets by itself. It is well above
 * the self-test's headroom target (bursts and a busy host's scheduling stay under it), and well below the
 * figures a saturated lab shows (hundreds of ms to seconds).
 */
export const queuedBaselineMs = 50;

/**
 * Why the run's own baseline, before the first fault, says the lab could not measure: probe packets it
 * lost or queued with nothing broken yet. Flows dead from the start are a broken path, reported apart.
 */
export function baselineProblems(record: Pick<ScenarioRecord, 'flows' | 'phases' | 'startedAt'>): string[] {
  const before = record.phases.before;
  if (!before) return [];
  const from = before.fromMs;
  const flows = record.flows.filter((f) => !deadFromStart(f, from));
  const lost = flows.reduce(
    (sum, f) =>
      sum +
      f.outages.filter((o) => o.startMs >= before.fromMs && o.startMs < before.toMs).reduce((s, o) => s + o.lost, 0),
    0,
  );
  const p99 = Math.max(
    0,
    ...flows.flatMap((f) => {
      const rtt = f.latency.find((l) => l.phase === 'before')?.rttMs;
      return rtt ? [rtt.p99] : [];
    }),
  );
  return [
    ...(lost > 0 ? [`${lost} probe packets lost before the first fault`] : []),
    ...(p99 > queuedBaselineMs
      ? [`probe RTT p99 ${Math.round(p99)} ms before the first fault (over ${queuedBaselineMs} ms: queued by the lab)`]
      : []),
  ];
}

/**
 * Probe RTT p99 over this after the first fault, beyond what the faults themselves add (a delay fault), is
 * the lab's own queueing: no network fault peerlab makes holds a packet for a second, a starved host does.
 */
export const saturatedMs = 1000;

/** Where the lab queued probe packets for a second or more after the first fault, if it did. */
export function saturation(flows: ScenarioRecord['flows'], addedMs: number): string | undefined {
  let worst: { phase: string; ms: number } | undefined;
  for (const f of flows)
    for (const l of f.latency)
      if (['during', 'after', 'restored'].includes(l.phase) && l.rttMs && l.rttMs.p99 > (worst?.ms ?? 0))
        worst = { phase: l.phase, ms: l.rttMs.p99 };
  return worst && worst.ms > saturatedMs + addedMs
    ? `probe RTT p99 ${Math.round(worst.ms)} ms in the ${worst.phase} phase`
    : undefined;
}
