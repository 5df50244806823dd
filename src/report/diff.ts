import type { RunReport, ScenarioReport } from '../scenario/results.js';

/**
 * Two runs of one suite or certification compared (`peerlab report diff OLD NEW`): for a change to a router
 * config in CI. A row is a scenario, one of its expectations, or a certificate row (R-*, E-*).
 */
export interface RunDiff {
  old: string;
  new: string;
  /** Rows whose verdict changed; `regression` when the new one is a failure the old was not. */
  changed: { row: string; from: string; to: string; regression: boolean; measured?: string }[];
  /** Figures whose median moved further than either run's spread (or the probe's resolution). */
  moved: Moved[];
  /** Figures that changed where neither run measured a spread (one attempt each): not judged. */
  unjudged: Moved[];
  added: string[];
  missing: string[];
  regressed: boolean;
}

export interface Moved {
  scenario: string;
  figure: string;
  unit: string;
  from: number;
  to: number;
  /** What a move must exceed to count: the wider spread (max - min) of the two runs, at least one probe interval. */
  spread: number;
  worse: boolean;
}

/** A row's verdict, by a stable key. */
type Rows = Map<string, { verdict: string; measured?: string }>;

function rowsOf(run: RunReport): Rows {
  const rows: Rows = new Map();
  for (const s of run.scenarios) {
    rows.set(s.name, { verdict: s.verdict });
    const ids = [...new Set(s.attempts.flatMap((a) => a.results.map((r) => r.id)))];
    for (const id of ids) {
      const results = s.attempts.flatMap((a) => a.results.filter((r) => r.id === id));
      const worst = results.find((r) => r.verdict === 'fail') ?? results.find((r) => r.verdict === 'inconclusive');
      const shown = worst ?? results.at(-1)!;
      rows.set(`${s.name}/${id}`, { verdict: shown.verdict, measured: shown.measured });
    }
  }
  for (const r of run.certification?.rows ?? []) rows.set(`certificate ${r.id}`, { verdict: r.status });
  return rows;
}

const failed = (verdict: string) => verdict === 'fail';

/** The probe's resolution in a scenario: one interval at its slowest rate (ms). */
const resolutionMs = (s: ScenarioReport) => 1000 / Math.max(1, Math.min(...s.attempts.map((a) => a.rate || 1)));

function figureMoves(old: ScenarioReport, next: ScenarioReport): { moved: Moved[]; unjudged: Moved[] } {
  const moved: Moved[] = [];
  const unjudged: Moved[] = [];
  for (const f of next.figures) {
    const o = old.figures.find((x) => x.name === f.name && x.unit === f.unit);
    if (!o || o.median === f.median) continue;
    const spread = Math.max(o.max - o.min, f.max - f.min, f.unit === 'ms' ? resolutionMs(old) : 0, resolutionMs(next));
    const entry = {
      scenario: next.name,
      figure: f.name,
      unit: f.unit,
      from: o.median,
      to: f.median,
      spread,
      worse: f.median > o.median,
    };
    // One sample on each side measures no spread: a change is shown, never judged.
    if (o.samples < 2 && f.samples < 2) unjudged.push(entry);
    else if (Math.abs(f.median - o.median) > spread) moved.push(entry);
  }
  return { moved, unjudged };
}

export function diffRuns(old: { file: string; report: RunReport }, next: { file: string; report: RunReport }): RunDiff {
  const [before, after] = [rowsOf(old.report), rowsOf(next.report)];
  const changed: RunDiff['changed'] = [];
  for (const [row, now] of after) {
    const was = before.get(row);
    if (!was || was.verdict === now.verdict) continue;
    changed.push({
      row,
      from: was.verdict,
      to: now.verdict,
      regression: failed(now.verdict) && !failed(was.verdict),
      ...(now.measured ? { measured: now.measured } : {}),
    });
  }
  const moved: Moved[] = [];
  const unjudged: Moved[] = [];
  for (const s of next.report.scenarios) {
    const o = old.report.scenarios.find((x) => x.name === s.name);
    if (!o) continue;
    const m = figureMoves(o, s);
    moved.push(...m.moved);
    unjudged.push(...m.unjudged);
  }
  const diff = {
    old: old.file,
    new: next.file,
    changed,
    moved,
    unjudged,
    added: [...after.keys()].filter((k) => !before.has(k)),
    missing: [...before.keys()].filter((k) => !after.has(k)),
  };
  return { ...diff, regressed: changed.some((c) => c.regression) || moved.some((m) => m.worse) };
}

const figure = (n: number, unit: string) => `${Math.round(n)} ${unit}`;

/** Markdown for a pull-request comment: regressions first, then every other change. */
export function renderDiffMarkdown(d: RunDiff): string {
  const lines = [`## peerlab: ${d.regressed ? '**regressed**' : 'no regression'}`, '', `\`${d.old}\` -> \`${d.new}\``];
  if (d.changed.length) {
    lines.push('', '| row | was | now | measured now |', '|---|---|---|---|');
    const sorted = [...d.changed].sort((a, b) => Number(b.regression) - Number(a.regression));
    for (const c of sorted)
      lines.push(
        `| ${c.regression ? '**' : ''}${c.row}${c.regression ? '**' : ''} | ${c.from} | ${c.to} | ${c.measured ?? ''} |`,
      );
  }
  if (d.moved.length) {
    lines.push(
      '',
      'Figures beyond their spread (median of each run):',
      '',
      '| scenario | figure | was | now | spread |',
      '|---|---|---|---|---|',
    );
    for (const m of d.moved)
      lines.push(
        `| ${m.scenario} | ${m.worse ? '**' : ''}${m.figure}${m.worse ? '** (worse)' : ' (better)'} | ${figure(m.from, m.unit)} | ${figure(m.to, m.unit)} | ${figure(m.spread, m.unit)} |`,
      );
  }
  if (d.unjudged.length) {
    // Folded: with one attempt a side these are run-to-run noise as much as change.
    lines.push(
      '',
      `<details><summary>${d.unjudged.length} figures changed with one attempt on each side: no spread measured, not judged (<code>--repeat N</code> judges them)</summary>`,
      '',
      '| scenario | figure | was | now |',
      '|---|---|---|---|',
      ...d.unjudged.map((m) => `| ${m.scenario} | ${m.figure} | ${figure(m.from, m.unit)} | ${figure(m.to, m.unit)} |`),
      '',
      '</details>',
    );
  }
  if (d.added.length) lines.push('', `New rows: ${d.added.join(', ')}`);
  if (d.missing.length) lines.push('', `Missing rows: ${d.missing.join(', ')}`);
  if (!d.changed.length && !d.moved.length && !d.added.length && !d.missing.length)
    lines.push('', 'Every row has the verdict it had; no figure moved beyond its spread.');
  return `${lines.join('\n')}\n`;
}
