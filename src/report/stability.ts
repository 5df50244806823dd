import type { RunReport } from '../scenario/results.js';

/** One scenario over N independent runs of a suite (fresh labs each run). */
export interface StabilityRow {
  scenario: string;
  runs: number;
  passed: number;
  /** Runs that failed, and runs the lab could not measure (inconclusive). */
  failed: number;
  inconclusive: number;
  /** Expectations whose verdict was not the same in every run, with what each run measured. */
  flips: { id: string; passed: number; measured: string[] }[];
  /** Per figure: its value in each run (median over the run's attempts), then min, median, max. */
  figures: { name: string; unit: string; values: number[]; min: number; median: number; max: number }[];
  /** Warnings seen (the lab queued packets, dead flows), with how many runs showed each kind. */
  warnings: { text: string; runs: number }[];
}

export interface Stability {
  runs: number;
  scenarios: StabilityRow[];
  /** Scenarios with at least one verdict flip. */
  flipped: string[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Warning texts carry figures (RTT, flow names); group them by their wording without numbers. */
const warningKind = (w: string) => w.replace(/\d[\d.,]*/g, 'N').replace(/flow \S+/g, 'flow X');

/** Compare the verdicts and figures of every scenario across several run.json files of one suite. */
export function stabilityOf(reports: RunReport[]): Stability {
  const names = [...new Set(reports.flatMap((r) => r.scenarios.map((s) => s.name)))];
  const scenarios = names.map((name): StabilityRow => {
    const seen = reports.map((r) => r.scenarios.find((s) => s.name === name)).filter((s) => s !== undefined);
    const attempts = seen.flatMap((s) => s.attempts);
    const ids = [...new Set(attempts.flatMap((a) => a.results.map((r) => r.id)))];
    const flips = ids
      .map((id) => {
        const results = attempts.map((a) => a.results.find((r) => r.id === id));
        return {
          id,
          passed: results.filter((r) => r?.pass).length,
          measured: results.map((r) => (r ? `${r.pass ? 'pass' : 'FAIL'}: ${r.measured}` : 'not judged')),
        };
      })
      .filter((f) => f.passed !== 0 && f.passed !== attempts.length);
    // A run that errored (a lab that did not converge) fails every expectation the same way: count it as a flip of the scenario.
    if (attempts.some((a) => a.error) && attempts.some((a) => !a.error))
      flips.push({
        id: '(run)',
        passed: attempts.filter((a) => !a.error).length,
        measured: attempts.map((a) => a.error ?? 'ran'),
      });
    const figureNames = [...new Set(seen.flatMap((s) => s.figures.map((f) => `${f.name}\u0000${f.unit}`)))];
    const figures = figureNames.map((key) => {
      const [figure, unit] = key.split('\u0000') as [string, string];
      const values = seen.flatMap((s) => s.figures.filter((f) => f.name === figure).map((f) => f.median));
      return { name: figure, unit, values, min: Math.min(...values), median: median(values), max: Math.max(...values) };
    });
    const warningRuns = new Map<string, { text: string; runs: Set<number> }>();
    seen.forEach((s, run) =>
      s.attempts.forEach((a) =>
        a.warnings.forEach((w) => {
          const kind = warningKind(w);
          const entry = warningRuns.get(kind) ?? { text: w, runs: new Set<number>() };
          entry.runs.add(run);
          warningRuns.set(kind, entry);
        }),
      ),
    );
    return {
      scenario: name,
      runs: seen.length,
      passed: seen.filter((s) => s.passed).length,
      failed: seen.filter((s) => s.verdict === 'fail').length,
      inconclusive: seen.filter((s) => s.verdict === 'inconclusive').length,
      flips,
      figures,
      warnings: [...warningRuns.values()].map((w) => ({ text: w.text, runs: w.runs.size })),
    };
  });
  return {
    runs: reports.length,
    scenarios,
    flipped: scenarios.filter((s) => s.flips.length > 0).map((s) => s.scenario),
  };
}

const markdownTable = (header: string[], rows: string[][]) =>
  [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');

const sum = (s: Stability, key: 'passed' | 'failed' | 'inconclusive') =>
  s.scenarios.reduce((n, row) => n + row[key], 0);

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** Markdown: one row per scenario (passes, flips, the spread of its worst-flow figures), then every flip in full. */
export function renderStability(stability: Stability): string {
  const spread = (row: StabilityRow, pick: RegExp) => {
    const f = row.figures.find((x) => pick.test(x.name));
    return f ? `${fmt(f.min)} / ${fmt(f.median)} / ${fmt(f.max)} ${f.unit}` : '-';
  };
  const table = markdownTable(
    [
      'scenario',
      'passed',
      'failed',
      'inconclusive',
      'flips',
      'longest outage min / median / max',
      'restore min / median / max',
    ],
    stability.scenarios.map((s) => [
      s.scenario,
      `${s.passed}/${s.runs}`,
      String(s.failed),
      String(s.inconclusive),
      s.flips.map((f) => `${f.id} (${f.passed}/${f.measured.length})`).join(', ') || '0',
      spread(s, /longest outage/i),
      spread(s, /restore/i),
    ]),
  );
  const lines = [
    `# Stability: ${stability.runs} runs of the suite on fresh labs`,
    '',
    `${stability.scenarios.length} scenarios; verdict flips: ${stability.flipped.length === 0 ? 'none' : stability.flipped.join(', ')}. Over all runs: ${sum(stability, 'passed')} passed, ${sum(stability, 'failed')} failed, ${sum(stability, 'inconclusive')} inconclusive.`,
    '',
    table,
  ];
  for (const s of stability.scenarios.filter((x) => x.flips.length || x.warnings.length)) {
    lines.push('', `## ${s.scenario}`);
    for (const f of s.flips)
      lines.push(`- flip \`${f.id}\` passed ${f.passed} of ${f.measured.length}: ${f.measured.join(' | ')}`);
    for (const w of s.warnings) lines.push(`- warning in ${w.runs} of ${s.runs} runs: ${w.text}`);
    for (const f of s.figures) lines.push(`- ${f.name}: ${f.values.map(fmt).join(', ')} ${f.unit}`);
  }
  return `${lines.join('\n')}\n`;
}
