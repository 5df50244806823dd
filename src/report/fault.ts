import type { Percentiles } from '../probe/analyze.js';
import type { Attempt } from '../scenario/results.js';
import { formatTable } from '../util/table.js';

const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(v < 10 ? 2 : 0));
const p50 = (p: Percentiles | null | undefined) => ms(p?.p50);

/**
 * One fault run (`peerlab fault`) for a terminal: its warnings, figures per flow, then the control-plane
 * timeline, times from when the (first) fault was applied.
 */
export function formatFaultRun(title: string, a: Attempt): string {
  const zero = a.faults[0]?.appliedMs ?? 0;
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
    a.flows.map((f) => [
      f.name,
      String(f.sent),
      String(f.lost),
      ms(f.lossDerivedMs),
      String(f.outages.length),
      ms(f.longestOutageMs),
      String(f.duplicated),
      String(f.reordered),
      ['before', 'during', 'after'].map((p) => p50(f.rttMs[p])).join(' / '),
    ]),
  );
  const events = formatTable(
    ['AT ms', 'NODE', 'WHAT', 'SUBJECT', 'CHANGE'],
    a.events.map((e) => [
      (e.atMs - zero).toFixed(0),
      e.node,
      e.kind,
      e.subject,
      `${e.from ? `${e.from} -> ` : ''}${e.to}${e.detail ? ` (${e.detail})` : ''}`,
    ]),
  );
  const windows = a.faults
    .map(
      (f) =>
        `applied at ${ms(f.appliedMs - zero)} ms, ${f.revertedMs === null ? 'never reverted' : `reverted at ${ms(f.revertedMs - zero)} ms`}`,
    )
    .join('; ');
  return [
    `${title}: ${windows}`,
    ...(a.error ? [`stopped early: ${a.error}`] : []),
    ...a.warnings.map((w) => `warning: ${w}`),
    ...(a.breakdown ?? []).map((b) => `convergence: ${b}`),
    '',
    flows,
    '',
    'timeline (times from the fault, each change seen within 100 ms of sampling):',
    events,
  ].join('\n');
}
