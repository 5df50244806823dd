import type { RuleId } from './catalog.js';

/** inconclusive: only from a lab that could not measure what a rule asks (static checks never give it). */
export type Status = 'pass' | 'fail' | 'inconclusive' | 'warn' | 'n/a';

/** The verdict on one rule, or on one reading of a rule the documents state differently. */
export interface RuleResult {
  rule: RuleId;
  reading?: string;
  status: Status;
  evidence: string[];
}

/** The worst status wins: fail > inconclusive > warn > pass > n/a. */
export function worst(statuses: Status[]): Status {
  for (const s of ['fail', 'inconclusive', 'warn', 'pass'] as const) if (statuses.includes(s)) return s;
  return 'n/a';
}

/** A rule evaluated item by item: each finding carries its own status and text. */
export function fromFindings(
  rule: RuleId,
  findings: { status: Status; text: string }[],
  none = 'nothing to check',
): RuleResult {
  if (findings.length === 0) return { rule, status: 'n/a', evidence: [none] };
  return {
    rule,
    status: worst(findings.map((f) => f.status)),
    evidence: findings.map((f) => `${f.status}: ${f.text}`),
  };
}
