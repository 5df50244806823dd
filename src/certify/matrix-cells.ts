import type { LabModel } from '../topology/model.js';
import type { Finding } from './edge-rules.js';
import { worstFlow, type Attempt, type MatrixCell, type ScenarioReport, type Spread } from '../scenario/results.js';
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
  // From when the fault began: killing a router's processes takes a while, and the edge may see it meanwhile.
  const start = fault.applyingMs ?? fault.appliedMs;
  const seen = a.events.find((e) => e.atMs >= start && shows(watch, e));
  if (!seen) return undefined;
  return {
    sinceMs: Math.max(0, Math.round(seen.sinceMs - start)),
    atMs: Math.round(seen.atMs - start),
    event: `${seen.node} ${seen.kind} ${seen.subject} ${seen.from ?? ''} -> ${seen.to}`,
    ...(seen.cause ? { cause: seen.cause } : seen.detail ? { cause: seen.detail } : {}),
  };
}

/**
 * How the interconnects shared the probe traffic during the failure (packets through each peer router's LAG,
 * both ways, over the `during` phase), and what that share of the declared peaks makes of each LAG.
 */
function utilizationOf(a: Attempt, model: LabModel): MatrixCell['utilization'] {
  const during = a.phases.during;
  if (!during) return undefined;
  const carried = a.interconnects.map((ic) => ({
    id: ic.id,
    packets: ic.rates.filter(([ms]) => ms > during.fromMs && ms <= during.toMs).reduce((n, [, i, o]) => n + i + o, 0),
  }));
  const total = carried.reduce((n, c) => n + c.packets, 0);
  if (total === 0) return undefined;
  const peaks = model.peakTrafficMbps;
  const peak = peaks ? Object.values(peaks).reduce((n, p) => n + p, 0) : undefined;
  return carried.map((c) => {
    const share = c.packets / total;
    const bandwidth = model.interconnects.find((i) => i.id === c.id)?.lag.bandwidthMbps;
    return {
      interconnect: c.id,
      sharePct: Math.round(share * 100),
      ...(peak !== undefined && bandwidth ? { projectedPct: Math.round(((peak * share) / bandwidth) * 100) } : {}),
    };
  });
}

/** A row as run: its scenario's verdict, the slowest detection and the worst figures over its attempts. */
export function matrixCell(
  row: MatrixRow,
  scenario: string,
  report: ScenarioReport | undefined,
  model: LabModel,
): MatrixCell {
  const { watch, ...plan } = row;
  const cell: MatrixCell = { ...plan, scenario, verdict: report?.verdict ?? 'inconclusive' };
  if (!report) cell.notRun = 'the certification stopped before this row';
  else if (report.stopped) cell.notRun = `the certification stopped during this row: ${report.stopped}`;
  const attempts = (report?.attempts ?? []).filter((a) => !a.error);
  if (!attempts.length) return cell;
  const detections = attempts.map((a) => detection(watch, a)).filter((d) => d !== undefined);
  const slowest = detections.sort((a, b) => b.atMs - a.atMs)[0];
  if (slowest) cell.detection = slowest;
  const losses = attempts.map((a) => Math.round(worstFlow(a, 'lossDerivedMs')));
  cell.lossMs = Math.max(...losses);
  cell.outageMs = Math.max(...attempts.map((a) => Math.round(worstFlow(a, 'longestOutageMs'))));
  const restores = attempts.map((a) => a.restoreMs);
  cell.restoreMs = restores.includes(null) ? null : Math.round(Math.max(...(restores as number[])));
  const captures = attempts.flatMap((a) => a.captures ?? []);
  if (captures.length) cell.captures = captures;
  const utilization = utilizationOf(attempts.at(-1)!, model);
  if (utilization) cell.utilization = utilization;
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

/** Where a LAG must start augmenting (R-UTILIZATION). */
const augmentAtPct = 40;

/**
 * R-UTILIZATION from what the lab measured: after each failure, the interconnects that carried the probe
 * traffic, each at its share of the declared peaks; over 40% is a warning (augment), as the estimate's is.
 */
export function utilizationFindings(cells: MatrixCell[]): Finding[] {
  const measured = cells.filter((c) => c.utilization?.some((u) => u.projectedPct !== undefined));
  if (!measured.length) return [];
  const over = measured.flatMap((c) =>
    c
      .utilization!.filter((u) => (u.projectedPct ?? 0) > augmentAtPct)
      .map((u) => ({
        status: 'warn' as const,
        text: `after ${c.id}: ${u.interconnect} carried ${u.sharePct}% of the probe traffic: at that share of the declared peaks, ${u.projectedPct}% of its LAG, over the 40% line`,
      })),
  );
  if (over.length) return over;
  const worst = measured
    .flatMap((c) => c.utilization!.map((u) => ({ c, u })))
    .sort((a, b) => (b.u.projectedPct ?? 0) - (a.u.projectedPct ?? 0))[0]!;
  return [
    {
      status: 'pass',
      text: `after each of ${measured.length} failures, every interconnect stayed at or under 40% at its measured share of the declared peaks (highest: ${worst.u.interconnect} ${worst.u.projectedPct}% after ${worst.c.id})`,
    },
  ];
}
