import { worst } from '../requirements/result.js';
import type { CertRow } from '../scenario/results.js';
import type { Finding } from './edge-rules.js';

export type Source = CertRow['sources'][number];

/** What one source found about a rule; a cross-check is a static reading of what the edge observes itself. */
export interface Judgement {
  source: Source;
  findings: Finding[];
  crossCheck?: boolean;
}

/**
 * The rules, and readings of a rule, whose truth the AS8075 edge observes in the running lab (BFD up, what it
 * received and with which attributes, whether the session survived a growing announcement). Their static
 * reading of the configs is only a cross-check: the registration reading of R-ASPATH-SMALL-PREFIX is about
 * the registration, which no edge sees.
 */
const observedAtEdge: Record<string, true | readonly string[]> = {
  'R-BFD': true,
  'R-COMMUNITY': true,
  'R-MAX-PREFIX': true,
  'R-NO-PRIVATE-ASN-IN-PATH': true,
  'R-ASPATH-SMALL-PREFIX': ['/25+ accepted if path < 4'],
};

export function edgeObserves(rule: string, reading?: string): boolean {
  const o = observedAtEdge[rule];
  return o === true || (o !== undefined && reading !== undefined && o.includes(reading));
}

const bad = (s: Finding['status']) => s === 'fail' || s === 'warn';

/** The interconnect a finding is about, when its text starts with one (`fra/ic1: ...`). */
const interconnectOf = (text: string) => /^([\w-]+\/[\w-]+): /.exec(text)?.[1];

/**
 * What the lab showed about a cross-check's subject: its own findings on the same interconnect when it has
 * some (a static pass on ams/ic1 is not contradicted by a failure on fra/ic1), else the row's status.
 */
function labShowed(f: Finding, decided: Judgement[], row: Finding['status']): Finding['status'] {
  const ic = interconnectOf(f.text);
  const same = decided
    .filter((j) => j.source !== 'static')
    .flatMap((j) => j.findings)
    .filter((x) => x.status !== 'n/a' && ic !== undefined && interconnectOf(x.text) === ic);
  return same.length ? worst(same.map((x) => x.status)) : row;
}

/**
 * A certification row: its status is the worst of what the lab showed (edge, running routers, scenarios)
 * and of the static readings the edge cannot see. A static cross-check the lab's verdict contradicts (a
 * failure the edge saw pass, a pass the edge saw fail) is a discrepancy, shown beside the row and never
 * counted; with nothing from the lab (a lab that did not come up), the cross-checks are all there is.
 */
export function certRow(id: string, title: string, judged: Judgement[]): CertRow {
  const decided = judged.filter((j) => !j.crossCheck);
  const observed = decided.some((j) => j.source !== 'static' && j.findings.some((f) => f.status !== 'n/a'));
  const counted = observed ? decided : judged;
  const status = worst(counted.flatMap((j) => j.findings.map((f) => f.status)));
  const discrepancies: string[] = [];
  const evidence = judged.flatMap((j) =>
    j.findings.flatMap((f) => {
      const lab = labShowed(f, decided, status);
      if (observed && j.crossCheck && (bad(f.status) ? lab === 'pass' : f.status === 'pass' && bad(lab))) {
        discrepancies.push(
          `${j.source} reading says ${f.status}: ${f.text}; the lab showed ${lab === 'pass' ? 'it pass' : `a ${lab}`}`,
        );
        return [];
      }
      return [`${j.source}: ${f.status}: ${f.text}`];
    }),
  );
  return {
    id,
    title,
    status,
    sources: [...new Set(counted.map((j) => j.source))],
    evidence,
    ...(discrepancies.length ? { discrepancies } : {}),
  };
}
