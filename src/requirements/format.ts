import { formatTable } from '../util/table.js';
import type { CheckReport } from './check.js';

/** One row per rule (and reading), evidence lines under it. */
export function formatCheckReport(report: CheckReport): string {
  const rows = report.results.flatMap((r) => {
    const id = r.reading ? `${r.rule} [${r.reading}]` : r.rule;
    const [first = '', ...rest] = r.evidence;
    return [[id, r.status, first], ...rest.map((e) => ['', '', e])];
  });
  const count = (s: string) => report.results.filter((r) => r.status === s).length;
  return [
    `${report.topology} (T-${report.type.toUpperCase()}) ${report.source}`,
    formatTable(['RULE', 'STATUS', 'EVIDENCE'], rows),
    `result: ${report.status} (${count('pass')} pass, ${count('fail')} fail, ${count('warn')} warn, ${count('n/a')} n/a)`,
  ].join('\n');
}
