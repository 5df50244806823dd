import type { CertRow, Certification, RunReport } from '../scenario/results.js';
import { escapeXml } from './escape.js';
import { matrixHtml, matrixJunit, matrixMarkdown, matrixSummary } from './matrix.js';

const mark = (status: CertRow['status']) =>
  status === 'fail' ? 'FAIL' : status === 'inconclusive' ? 'INCONCLUSIVE' : status;

/** PASSED, FAILED, or INCONCLUSIVE: nothing failed, but the lab could not measure every row. */
const overall = (c: Certification) =>
  !c.passed ? 'FAILED' : c.rows.some((r) => r.status === 'inconclusive') ? 'INCONCLUSIVE' : 'PASSED';

/** The terminal summary of a certification: one line per row, failures with their evidence. */
export function formatCertification(report: RunReport): string {
  const c = report.certification;
  if (!c) return '';
  const lines = [
    `certification of ${c.topology} (${c.type}): ${overall(c)}`,
    ...partnerLines(c),
    ...(c.notConverged ? [`the lab did not converge: ${c.notConverged.split('\n')[0]}`] : []),
  ];
  for (const r of c.rows) {
    lines.push(`  ${mark(r.status).padEnd(5)} ${r.id.padEnd(24)} ${r.title}`);
    if (r.status === 'fail' || r.status === 'warn' || r.status === 'inconclusive')
      for (const e of r.evidence.filter((x) => /^\w+: (fail|warn|inconclusive): /.test(x)))
        lines.push(`          ${e}`);
    for (const d of r.discrepancies ?? []) lines.push(`          discrepancy: ${d}`);
  }
  if (c.matrix) lines.push(...matrixSummary(c.matrix));
  return lines.join('\n');
}

function partnerLines(c: Certification): string[] {
  if (!c.partnerFiles.length) return ['no router runs its own config: every config was rendered by peerlab'];
  return c.partnerFiles.map(
    (f) =>
      `${f.router}: ${f.daemon} ${f.version}${f.config ? `, config ${f.config}` : ''}${f.nftables ? `, nftables ${f.nftables}` : ''}`,
  );
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The certification table in Markdown (report.md puts it first). */
export function certificationMarkdown(c: Certification): string[] {
  return [
    `## Certification: ${overall(c)}`,
    '',
    `${c.topology} (T-${c.type.toUpperCase()}). ${c.convergedMs !== null ? `The lab converged in ${(c.convergedMs / 1000).toFixed(1)} s with the edge holding each BFD session's BGP until BFD was up.` : `The lab did not converge: ${cell(c.notConverged ?? '')}`}`,
    '',
    ...partnerLines(c).map((l) => `- ${l}`),
    '',
    '| ID | requirement | result | from | evidence |',
    '|---|---|---|---|---|',
    ...c.rows.map(
      (r) =>
        `| ${r.id} | ${cell(r.title)} | ${r.status === 'fail' || r.status === 'inconclusive' ? `**${mark(r.status)}**` : r.status} | ${r.sources.join(', ')} | ${cell(
          [
            ...r.evidence.filter((e) => !/^static: n\/a: /.test(e) || r.evidence.length === 1),
            ...(r.discrepancies ?? []).map((d) => `discrepancy: ${d}`),
          ].join('<br>'),
        )} |`,
    ),
    '',
    ...(c.matrix ? matrixMarkdown(c.matrix) : []),
  ];
}

const esc = escapeXml;

export function certificationHtml(c: Certification): string {
  return `<h2>Certification: <span class="${overall(c) === 'PASSED' ? 'pass' : overall(c) === 'FAILED' ? 'fail' : 'inconclusive'}">${overall(c).toLowerCase()}</span></h2>
<p>${esc(c.topology)} (T-${esc(c.type.toUpperCase())}). ${c.convergedMs !== null ? `The lab converged in ${(c.convergedMs / 1000).toFixed(1)} s with the edge holding each BFD session's BGP until BFD was up.` : `The lab did not converge: ${esc(c.notConverged ?? '')}`}</p>
<ul>${partnerLines(c)
    .map((l) => `<li>${esc(l)}</li>`)
    .join('')}</ul>
<table><tr><th>ID</th><th>requirement</th><th>result</th><th>from</th><th>evidence</th></tr>
${c.rows
  .map(
    (r) =>
      `<tr><td>${esc(r.id)}</td><td>${esc(r.title)}</td><td class="${r.status === 'fail' ? 'fail' : r.status === 'pass' ? 'pass' : ''}">${esc(mark(r.status))}</td><td>${esc(r.sources.join(', '))}</td><td>${r.evidence
        .map((e) => `<div class="${/^\w+: fail: /.test(e) ? 'fail' : ''}">${esc(e)}</div>`)
        .join(
          '',
        )}${(r.discrepancies ?? []).map((d) => `<div class="discrepancy">discrepancy: ${esc(d)}</div>`).join('')}</td></tr>`,
  )
  .join('\n')}</table>
${c.matrix ? matrixHtml(c.matrix) : ''}`;
}

const xml = escapeXml;

/** One test case per row; a failed row is a failure with its evidence, a warning is a passing case with output. */
export function certificationJunit(c: Certification): string {
  const cases = c.rows.map((r) => {
    const text = [...r.evidence, ...(r.discrepancies ?? []).map((d) => `discrepancy: ${d}`)].join('\n');
    const body =
      r.status === 'fail'
        ? `<failure message="${xml(r.evidence.find((e) => /^\w+: fail: /.test(e)) ?? 'failed')}">${xml(text)}</failure>`
        : r.status === 'n/a' || r.status === 'inconclusive'
          ? `<skipped message="${xml(r.status === 'inconclusive' ? (r.evidence.find((e) => /^\w+: inconclusive: /.test(e)) ?? 'inconclusive') : (r.evidence[0] ?? 'n/a'))}"/>`
          : `<system-out>${xml(text)}</system-out>`;
    return `    <testcase classname="certification" name="${xml(`${r.id} ${r.title}`)}">${body}</testcase>`;
  });
  const failures = c.rows.filter((r) => r.status === 'fail').length;
  const skipped = c.rows.filter((r) => r.status === 'n/a' || r.status === 'inconclusive').length;
  const suite = `  <testsuite name="certification" tests="${cases.length}" failures="${failures}" skipped="${skipped}" errors="0">\n${cases.join('\n')}\n  </testsuite>`;
  return c.matrix ? `${suite}\n${matrixJunit(c.matrix)}` : suite;
}
