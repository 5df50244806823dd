import type { MatrixCell } from '../scenario/results.js';
import { escapeXml } from './escape.js';
import type { MatrixLevel, MatrixRow } from '../certify/matrix.js';

const budgetText = (r: MatrixRow) =>
  `${r.budget.mechanism}${r.budget.detectMs ? ` ${r.budget.detectMs} ms` : ''}, loss <= ${r.budget.lossMs} ms`;

/** The failure matrix a level would run, one line per row: element, failure, E-*, budget, whose config. */
export function formatMatrixPlan(all: MatrixRow[], picked: MatrixRow[], level: MatrixLevel): string {
  const width = Math.max(...picked.map((r) => r.element.length), 7);
  const failureWidth = Math.max(...picked.map((r) => r.failure.length), 7);
  return [
    `failure matrix, level ${level}: ${picked.length} of ${all.length} rows`,
    `${'element'.padEnd(width)}  ${'failure'.padEnd(failureWidth)}  tests            budget (why)`,
    ...picked.map(
      (r) =>
        `${r.element.padEnd(width)}  ${r.failure.padEnd(failureWidth)}  ${r.covers.padEnd(15)}  ${budgetText(r)} (${r.budget.why})${r.partnerRouters.length ? `; ${r.partnerRouters.join(', ')}'s own config` : ''}`,
    ),
    ...(level === 'full'
      ? []
      : all.filter((r) => r.fullOnly).map((r) => `at --matrix full only: ${r.id}: ${r.fullOnly}`)),
  ].join('\n');
}

type Cell = MatrixCell;

const verdictWord = (v: Cell['verdict']) => (v === 'fail' ? 'FAIL' : v === 'inconclusive' ? 'INCONCLUSIVE' : 'pass');

/** A cell in a few words: verdict, detection against its budget, worst loss against its budget. */
export function cellText(c: Cell): string {
  if (c.notRun && c.lossMs === undefined) return `${verdictWord(c.verdict)}: not run: ${c.notRun}`;
  const detection = c.detection
    ? `detected ${c.detection.sinceMs}-${c.detection.atMs} ms${c.budget.detectMs ? ` (budget ${c.budget.detectMs})` : ''}`
    : 'not detected at the edge';
  const loss = c.lossMs === undefined ? '' : `, loss ${c.lossMs} ms (budget ${c.budget.lossMs})`;
  return `${verdictWord(c.verdict)}: ${detection}${loss}`;
}

/** The matrix's shape: elements down, failures across, in the order they first appear. */
function grid(cells: Cell[]): {
  elements: string[];
  failures: string[];
  at: (e: string, f: string) => Cell | undefined;
} {
  const elements = [...new Set(cells.map((c) => c.element))];
  const failures = [...new Set(cells.map((c) => c.failure))];
  return { elements, failures, at: (e, f) => cells.find((c) => c.element === e && c.failure === f) };
}

/** One line of a cell's details: what failed, what tested it, what detected it and how fast, what the traffic lost. */
const detailLine = (c: Cell) =>
  [
    `${c.id} (${c.covers}${c.partnerRouters.length ? `; ${c.partnerRouters.join(', ')}'s own config` : ''}): ${verdictWord(c.verdict)}`,
    `budget ${c.budget.mechanism}${c.budget.detectMs ? ` ${c.budget.detectMs} ms` : ''}, loss <= ${c.budget.lossMs} ms (${c.budget.why})`,
    c.detection
      ? `detected ${c.detection.sinceMs}-${c.detection.atMs} ms after the fault: ${c.detection.event}${c.detection.cause ? ` (${c.detection.cause})` : ''}`
      : 'no sign of it at the edge',
    ...(c.lossMs !== undefined
      ? [
          `worst flow: loss-derived ${c.lossMs} ms, longest outage ${c.outageMs} ms`,
          ...(c.repeated
            ? [
                `over ${c.repeated.attempts} runs: loss median ${c.repeated.loss.median} ms, p95 ${c.repeated.loss.p95}, max ${c.repeated.loss.max}, spread ${c.repeated.loss.spread}${c.repeated.detection ? `; detection median ${c.repeated.detection.median} ms, p95 ${c.repeated.detection.p95}, max ${c.repeated.detection.max}, spread ${c.repeated.detection.spread}` : ''}`,
              ]
            : []),
        ]
      : []),
    c.restoreMs === undefined
      ? ''
      : c.restoreMs === null
        ? 'not restored'
        : `restored ${c.restoreMs} ms after the revert`,
    `scenario ${c.scenario}`,
    c.captures ? `captures ${c.captures.map((f) => f.file).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');

const md = (s: string) => s.replace(/\|/g, '\\|');

export function matrixMarkdown(m: { level: string; cells: Cell[] }): string[] {
  const { elements, failures, at } = grid(m.cells);
  const counts = (['pass', 'fail', 'inconclusive'] as const).map(
    (v) => `${m.cells.filter((c) => c.verdict === v).length} ${v}`,
  );
  return [
    `## Failure matrix (${m.level}): ${m.cells.length} failures, ${counts.join(', ')}`,
    '',
    `| element | ${failures.join(' | ')} |`,
    `|---|${failures.map(() => '---').join('|')}|`,
    ...elements.map(
      (e) =>
        `| ${md(e)} | ${failures
          .map((f) => {
            const c = at(e, f);
            if (!c) return '';
            const text = cellText(c);
            return c.verdict === 'pass' ? md(text) : `**${md(text)}**`;
          })
          .join(' | ')} |`,
    ),
    '',
    ...m.cells.map((c) => `- ${md(detailLine(c))}`),
    '',
  ];
}

const esc = escapeXml;
const cellClass = (v: Cell['verdict']) =>
  v === 'pass' ? 'cell-pass' : v === 'fail' ? 'cell-fail' : 'cell-inconclusive';

/** The matrix as a coloured table; each cell links to its scenario's timeline and says its details on hover. */
export function matrixHtml(m: { level: string; cells: Cell[] }): string {
  const { elements, failures, at } = grid(m.cells);
  return `<h2>Failure matrix (${esc(m.level)}): ${m.cells.length} failures</h2>
<table class="matrix"><tr><th>element</th>${failures.map((f) => `<th>${esc(f)}</th>`).join('')}</tr>
${elements
  .map(
    (e) =>
      `<tr><th>${esc(e)}</th>${failures
        .map((f) => {
          const c = at(e, f);
          if (!c) return '<td></td>';
          return `<td class="${cellClass(c.verdict)}" title="${esc(detailLine(c))}"><a href="#${esc(c.scenario)}">${esc(cellText(c))}</a></td>`;
        })
        .join('')}</tr>`,
  )
  .join('\n')}</table>
<ul class="matrix-details">${m.cells
    .map(
      (c) =>
        `<li>${esc(detailLine(c))}${(c.captures ?? []).map((f) => ` <a href="${esc(f.file)}">${esc(f.node)}.pcap</a> (${Math.ceil(f.bytes / 1024)} KiB)`).join('')}</li>`,
    )
    .join('')}</ul>`;
}

const xml = escapeXml;

/** One JUnit test case per cell: a failure with what was measured against the budget, an inconclusive one skipped. */
export function matrixJunit(m: { level: string; cells: Cell[] }): string {
  const cases = m.cells.map((c) => {
    const body =
      c.verdict === 'fail'
        ? `<failure message="${xml(cellText(c))}">${xml(detailLine(c))}</failure>`
        : c.verdict === 'inconclusive'
          ? `<skipped message="${xml(`inconclusive: ${detailLine(c)}`)}"/>`
          : `<system-out>${xml(detailLine(c))}</system-out>`;
    return `    <testcase classname="failure-matrix" name="${xml(`${c.id} [${c.covers}]`)}">${body}</testcase>`;
  });
  const failures = m.cells.filter((c) => c.verdict === 'fail').length;
  const skipped = m.cells.filter((c) => c.verdict === 'inconclusive').length;
  return `  <testsuite name="failure-matrix" tests="${cases.length}" failures="${failures}" skipped="${skipped}" errors="0">\n${cases.join('\n')}\n  </testsuite>`;
}

/** The terminal's view of the matrix: counts, then every cell that did not pass with its figures. */
export function matrixSummary(m: { level: string; cells: Cell[] }): string[] {
  const counts = (['pass', 'fail', 'inconclusive'] as const).map(
    (v) => `${m.cells.filter((c) => c.verdict === v).length} ${v}`,
  );
  return [
    `failure matrix (${m.level}): ${m.cells.length} failures, ${counts.join(', ')}`,
    ...m.cells.filter((c) => c.verdict !== 'pass').map((c) => `  ${c.id}: ${cellText(c)}`),
  ];
}
