import type { RunReport } from '../scenario/results.js';
import { escapeXml } from './escape.js';
import { certificationJunit } from './certification.js';

const xml = escapeXml;

/** One test case per scenario expectation (and run, with --repeat); failures carry measured against expected. */
export function renderJunit(report: RunReport): string {
  const suites = report.scenarios.map((s) => {
    const cases = s.attempts.flatMap((a, i) => {
      const suffix = s.attempts.length > 1 ? ` (run ${i + 1})` : '';
      const results = a.results.map((r) => {
        const name = `${r.id}${r.covers.length ? ` [${r.covers.join(' ')}]` : ''}${suffix}`;
        // Inconclusive is not a failure: the lab could not measure it, so the case is skipped, with why.
        const body = r.pass
          ? ''
          : r.inconclusive
            ? `<skipped message="${xml(`inconclusive: ${r.inconclusive}; expected ${r.expected}; measured ${r.measured}`)}"/>`
            : `<failure message="${xml(`expected ${r.expected}; measured ${r.measured}`)}">${xml(r.details.join('\n'))}</failure>`;
        return `    <testcase classname="${xml(s.name)}" name="${xml(name)}">${body}</testcase>`;
      });
      if (a.error)
        results.push(
          `    <testcase classname="${xml(s.name)}" name="steps${suffix}"><error message="${xml(a.error)}"/></testcase>`,
        );
      return results;
    });
    const failures = s.attempts.flatMap((a) => a.results).filter((r) => !r.pass && !r.inconclusive).length;
    const skipped = s.attempts.flatMap((a) => a.results).filter((r) => !r.pass && r.inconclusive).length;
    const errors = s.attempts.filter((a) => a.error).length;
    const time = s.attempts.reduce((t, a) => t + a.durationMs, 0) / 1000;
    return `  <testsuite name="${xml(s.name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(1)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  if (report.certification) suites.unshift(certificationJunit(report.certification));
  if (report.error || report.interrupted)
    suites.push(
      `  <testsuite name="run" tests="1" failures="0" errors="1"><testcase classname="run" name="run"><error message="${xml(report.error ?? 'interrupted')}"/></testcase></testsuite>`,
    );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="peerlab">\n${suites.join('\n')}\n</testsuites>\n`;
}
