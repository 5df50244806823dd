import type { Percentiles } from '../probe/analyze.js';
import { formatTable } from '../util/table.js';
import type { Experiment } from './experiment.js';

const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(v < 10 ? 2 : 0));
const p50 = (p: Percentiles | undefined) => ms(p?.p50);

/** A fault experiment for a terminal: figures per flow, then the control-plane timeline relative to the fault. */
export function formatExperiment(x: Experiment): string {
  const zero = x.windows[0]!.applyingAt;
  const flows = formatTable(
    [
      'FLOW',
      'SENT',
      'LOST',
      'LOSS-DERIVED ms',
      'OUTAGES',
      'LONGEST ms',
      'DUP',
      'REORD',
      'RTT p50 ms before/during/after',
    ],
    x.flows.map((f) => [
      `${f.plan.from} -> ${f.plan.to} :${f.plan.srcPort}`,
      String(f.sent),
      String(f.lost),
      ms(f.lossDerivedMs),
      String(f.outages.length),
      ms(f.longestOutageMs),
      String(f.duplicated),
      String(f.reordered),
      ['before', 'during', 'after'].map((p) => p50(f.latency.find((l) => l.phase === p)?.rttMs)).join(' / '),
    ]),
  );
  const events = formatTable(
    ['AT ms', 'NODE', 'WHAT', 'SUBJECT', 'CHANGE'],
    x.timeline.events.map((e) => [
      (e.atMs - zero).toFixed(0),
      e.node,
      e.kind,
      e.subject,
      `${e.from ? `${e.from} -> ` : ''}${e.to}${e.detail ? ` (${e.detail})` : ''}`,
    ]),
  );
  const windows = x.windows
    .map((w) => `applied at ${ms(w.appliedAt - zero)} ms, reverted at ${ms(w.revertedAt - zero)} ms`)
    .join('; ');
  return [
    `${x.plan.kind} ${x.plan.target}: ${windows}`,
    ...(x.overloaded
      ? [
          'warning: probe packets were lost or queued (RTT p50 > 50 ms) before the fault; lower --rate or --flows-per-pair',
        ]
      : []),
    '',
    flows,
    '',
    `timeline (times from the fault, each change seen within ${x.timeline.intervalMs} ms of sampling):`,
    events,
  ].join('\n');
}
