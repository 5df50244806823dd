import { firstDetection, worstFlow, type Attempt, type RunReport, type ScenarioReport } from '../scenario/results.js';

/**
 * The same scenarios run on two labs (OVS userspace LAGs on the host, kernel bonds in a guest), one row
 * per scenario: each run's verdict, the first reaction the control plane showed after the first fault
 * (which mechanism, when), the worst flow's loss-derived convergence, the longest outage and the restore.
 * The figures are the judged attempt's; a difference is for the reader to explain (carrier semantics,
 * timers, the guest's own speed), which is why each run's lab facts head the table.
 */
export interface SideBySideRow {
  scenario: string;
  covers: string[];
  runs: (RunFigures | undefined)[];
}

export interface RunFigures {
  verdict: string;
  rate: number;
  reaction?: { kind: string; node: string; ms: number };
  lossMs: number;
  outageMs: number;
  restoreMs: number | null;
}

export function sideBySide(runs: RunReport[]): SideBySideRow[] {
  const names = [...new Set(runs.flatMap((r) => r.scenarios.map((s) => s.name)))];
  return names.map((name) => {
    const each = runs.map((r) => r.scenarios.find((s) => s.name === name));
    return {
      scenario: name,
      covers: each.find(Boolean)!.covers,
      runs: each.map((s) => (s ? figuresOf(s) : undefined)),
    };
  });
}

function figuresOf(s: ScenarioReport): RunFigures {
  const a = s.attempts.at(-1);
  if (!a) return { verdict: s.verdict, rate: 0, lossMs: 0, outageMs: 0, restoreMs: null };
  const reaction = firstReaction(a);
  return {
    verdict: s.verdict,
    rate: a.rate,
    ...(reaction ? { reaction } : {}),
    lossMs: Math.round(worstFlow(a, 'lossDerivedMs')),
    outageMs: Math.round(worstFlow(a, 'longestOutageMs')),
    restoreMs: a.restoreMs === null ? null : Math.round(a.restoreMs),
  };
}

/** What saw the first fault first (as the convergence breakdown reads it), from when it began until its revert. */
export function firstReaction(a: Attempt): RunFigures['reaction'] {
  const fault = a.faults[0];
  if (!fault) return undefined;
  const start = fault.applyingMs ?? fault.appliedMs;
  const first = firstDetection(a.events, start, fault.revertedMs ?? Infinity);
  return first && { kind: first.kind, node: first.node, ms: Math.round(first.atMs - start) };
}

const cell = (f: RunFigures | undefined, pick: (f: RunFigures) => string) => (f ? pick(f) : '-');

/** Markdown: the labs' facts, then one line per scenario with each run's figures side by side. */
export function sideBySideMarkdown(runs: { label: string; report: RunReport }[]): string {
  const rows = sideBySide(runs.map((r) => r.report));
  const labels = runs.map((r) => r.label);
  const heads = (what: string) => labels.map((l) => `${what} ${l}`);
  const lines = [
    ...runs.map(
      (r) =>
        `- **${r.label}**: ${r.report.runtime} runtime, ${r.report.lag} LAGs; ${r.report.counts.pass} pass, ${r.report.counts.fail} FAIL, ${r.report.counts.inconclusive} inconclusive; ${r.report.labs
          .map((l) => `${l.name} ceiling ${l.calibration ? `${l.calibration.ceilingPps} pps` : 'not measured'}`)
          .join(', ')}`,
    ),
    '',
    `| scenario | tests | ${[...heads('verdict'), ...heads('first reaction'), ...heads('worst loss'), ...heads('restore')].join(' | ')} |`,
    `|${' --- |'.repeat(2 + labels.length * 4)}`,
    ...rows.map((row) =>
      [
        '',
        row.scenario,
        row.covers.join(' '),
        ...row.runs.map((f) => cell(f, (x) => (x.verdict === 'pass' ? 'pass' : `**${x.verdict.toUpperCase()}**`))),
        ...row.runs.map((f) => cell(f, (x) => (x.reaction ? `${x.reaction.kind} ${x.reaction.ms} ms` : 'none'))),
        ...row.runs.map((f) => cell(f, (x) => `${x.lossMs} ms (outage ${x.outageMs})`)),
        ...row.runs.map((f) => cell(f, (x) => (x.restoreMs === null ? '-' : `${(x.restoreMs / 1000).toFixed(1)} s`))),
        '',
      ]
        .join(' | ')
        .trim(),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
