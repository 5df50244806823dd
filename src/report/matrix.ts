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
  ].join('\n');
}
