import type { Attempt, MatrixCell, ScenarioReport, Spread } from '../scenario/results.js';
import type { MatrixRow, Watch } from './matrix.js';

/** Does a timeline event show the failure, for what the row watches? */
const shows = (watch: Watch, e: Attempt['events'][number]) =>
  watch.nodes.includes(e.node) &&
  ((watch.events.includes('member') && e.kind === 'member' && e.to === 'disabled') ||
    (watch.events.includes('bfd') && e.kind === 'bfd' && e.to === 'down') ||
    (watch.events.includes('bgp') && e.kind === 'bgp' && e.from === 'Established'));

/** The first event after the first fault that shows the failure where the row watches, relative to the fault. */
function detection(watch: Watch, a: Attempt): MatrixCell['detection'] {
  const fault = a.faults[0];
  if (!fault) return undefined;
  const seen = a.events.find((e) => e.atMs >= fault.appliedMs && shows(watch, e));
  if (!seen) return undefined;
  return {
    sinceMs: Math.max(0, Math.round(seen.sinceMs - fault.appliedMs)),
    atMs: Math.round(seen.atMs - fault.appliedMs),
    event: `${seen.node} ${seen.kind} ${seen.subject} ${seen.from ?? ''} -> ${seen.to}`,
    ...(seen.cause ? { cause: seen.cause } : seen.detail ? { cause: seen.detail } : {}),
  };
}

const worstFlow = (a: Attempt, figure: 'lossDerivedMs' | 'longestOutageMs') =>
  Math.round(Math.max(0, ...a.flows.map((f) => f[figure])));

/** A row as run: its scenario's verdict, the slowest detection and the worst figures over its attempts. */
export function matrixCell(row: MatrixRow, scenario: string, report: ScenarioReport | undefined): MatrixCell {
  const { watch, ...plan } = row;
  const cell: MatrixCell = { ...plan, scenario, verdict: report?.verdict ?? 'inconclusive' };
  const attempts = (report?.attempts ?? []).filter((a) => !a.error);
  if (!attempts.length) return cell;
  const detections = attempts.map((a) => detection(watch, a)).filter((d) => d !== undefined);
  const slowest = detections.sort((a, b) => b.atMs - a.atMs)[0];
  if (slowest) cell.detection = slowest;
  const losses = attempts.map((a) => worstFlow(a, 'lossDerivedMs'));
  cell.lossMs = Math.max(...losses);
  cell.outageMs = Math.max(...attempts.map((a) => worstFlow(a, 'longestOutageMs')));
  const restores = attempts.map((a) => a.restoreMs);
  cell.restoreMs = restores.includes(null) ? null : Math.round(Math.max(...(restores as number[])));
  if (attempts.length > 1)
    cell.repeated = {
      attempts: attempts.length,
      loss: spreadOf(losses),
      ...(detections.length > 1 ? { detection: spreadOf(detections.map((d) => d.atMs)) } : {}),
    };
  return cell;
}

function spreadOf(values: number[]): Spread {
  const v = [...values].sort((a, b) => a - b);
  const q = (p: number) => v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)]!;
  return { median: q(0.5), p95: q(0.95), max: v.at(-1)!, spread: v.at(-1)! - v[0]! };
}
