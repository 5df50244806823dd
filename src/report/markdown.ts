import { expectations, ruleIds } from '../requirements/catalog.js';
import { labMeasurements } from '../scenario/calibrate.js';
import type { VerdictStatus } from '../scenario/expectations/index.js';
import {
  attemptNotes,
  countsSentence,
  labSentence,
  runStatus,
  verdictLabel,
  type RunReport,
  type ScenarioReport,
} from '../scenario/results.js';
import { certificationMarkdown } from './certification.js';

const verdictCell = (v: VerdictStatus) => (v === 'pass' ? 'pass' : `**${verdictLabel(v)}**`);

/** Per lab: what it measured of itself, which every rate and carrier bound of its scenarios comes from. */
function selfMeasurement(report: RunReport): string[] {
  const labs = labMeasurements(report.labs);
  if (!labs.length) return [];
  return [
    '## Lab self-measurement',
    '',
    ...labs.flatMap((l) => [`${l.lab}:`, '', ...l.lines.map((d) => `- ${d}`), '']),
  ];
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const figure = (s: ScenarioReport, name: string) => {
  const f = s.figures.find((x) => x.name === name);
  if (!f) return '-';
  return f.samples > 1 ? `${Math.round(f.median)} ms (max ${Math.round(f.max)})` : `${Math.round(f.max)} ms`;
};

/** The summary a person reads in a CI log or a pull request. */
export function renderMarkdown(report: RunReport): string {
  const status = runStatus(report).toUpperCase();
  const lines = [
    `# peerlab ${report.certification ? 'certification' : 'run'} ${report.startedAt}: ${status}`,
    '',
    `Runtime ${report.runtime}, ${report.lag} LAGs. ` + report.labs.map(labSentence).join(' '),
    ...(report.error ? ['', `**The run stopped:** ${report.error}`] : []),
    ...(report.interrupted ? ['', '**Interrupted**: the figures below are what was measured until then.'] : []),
    '',
    countsSentence(report),
    '',
    ...selfMeasurement(report),
    ...(report.certification ? certificationMarkdown(report.certification) : []),
    '| scenario | result | covers | worst loss-derived | longest outage | restore |',
    '|---|---|---|---|---|---|',
    ...report.scenarios.map(
      (s) =>
        `| ${s.name} | ${verdictCell(s.verdict)} | ${s.covers.join(' ')} | ${figure(s, 'worst loss-derived convergence')} | ${figure(s, 'longest outage')} | ${figure(s, 'restore')} |`,
    ),
    '',
  ];
  const covered = new Set(
    report.scenarios
      .filter((s) => s.verdict === 'pass')
      .flatMap((s) => [...s.covers, ...s.attempts.flatMap((a) => a.results.flatMap((r) => r.covers))]),
  );
  const wanted = [...Object.keys(expectations), ...ruleIds.filter((r) => covered.has(r))];
  lines.push(
    `Verified by passing scenarios: ${[...covered].sort().join(', ') || 'nothing'}.`,
    `Failure behaviours not verified by this run: ${wanted.filter((id) => id.startsWith('E-') && !covered.has(id)).join(', ') || 'none'}.`,
    '',
  );
  for (const s of report.scenarios) {
    lines.push(`## ${s.name}: ${verdictLabel(s.verdict)}`, '');
    lines.push(
      `${s.file} on ${s.topology}; covers ${s.covers.join(', ')}.${s.description ? ` ${s.description}` : ''}`,
      '',
    );
    if (s.attempts.length > 1) {
      lines.push('| figure | min | median | p95 | max | runs |', '|---|---|---|---|---|---|');
      for (const f of s.figures)
        lines.push(
          `| ${f.name} | ${Math.round(f.min)} | ${Math.round(f.median)} | ${Math.round(f.p95)} | ${Math.round(f.max)} | ${f.samples} |`,
        );
      lines.push('');
    }
    s.attempts.forEach((a, i) => {
      if (s.attempts.length > 1) lines.push(`Run ${i + 1}: ${verdictLabel(a.verdict)}`, '');
      if (a.error) lines.push(`**Stopped early:** ${a.error}`, '');
      for (const n of attemptNotes(a)) lines.push(`${n.alert ? `**${n.label}**` : n.label} ${n.text}.`, '');
      for (const w of a.warnings) lines.push(`Warning: ${w}.`, '');
      for (const b of a.breakdown ?? []) lines.push(`Convergence: ${b}.`, '');
      lines.push('| expectation | covers | result | expected | measured |', '|---|---|---|---|---|');
      for (const r of a.results)
        lines.push(
          `| ${r.id} | ${r.covers.join(' ')} | ${verdictCell(r.verdict)} | ${cell(r.expected)} | ${cell(r.measured)}${r.inconclusive ? ` (inconclusive: ${cell(r.inconclusive)})` : ''} |`,
        );
      const failed = a.results.filter((r) => !r.pass && r.details.length);
      for (const r of failed) lines.push('', `${r.id}:`, '', ...r.details.map((d) => `    ${d}`));
      lines.push('');
    });
  }
  return lines.join('\n');
}
