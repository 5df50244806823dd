import type { Check } from './context.js';

const dynamic = 'checked in a running lab by the scenarios';

/** Microsoft's behaviour, not the partner's: a `readvertise` expectation reads the transit's table in a running lab. */
export const noReadvertise: Check = () => ({
  rule: 'R-NO-READVERTISE',
  status: 'n/a',
  evidence: [
    "n/a statically (Microsoft's obligation); in a running lab a readvertise expectation reads the transit's BGP table (the reference E-INTERNET scenarios have one)",
  ],
});

export const utilization: Check = () => ({
  rule: 'R-UTILIZATION',
  status: 'n/a',
  evidence: ['not verified yet: needs the expected peak traffic per metro, which topologies do not declare'],
});

export const backupNoneInternet: Check = ({ model }) =>
  model.transit
    ? {
        rule: 'R-BACKUP-NONE-INTERNET',
        status: 'n/a',
        evidence: [`${dynamic} (E-INTERNET through transit AS${model.transit.asn})`],
      }
    : {
        rule: 'R-BACKUP-NONE-INTERNET',
        status: 'warn',
        evidence: ['the topology has no transit: internet fallback cannot be verified'],
      };
