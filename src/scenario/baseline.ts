import type { ScenarioRecord } from './run.js';

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
