import type { Check } from './context.js';

const dynamic = 'checked in a running lab by the scenarios';

export const noReadvertise: Check = () => ({
  rule: 'R-NO-READVERTISE',
  status: 'n/a',
  evidence: [`${dynamic}; the emulated Microsoft core exports only its service prefixes to the transit`],
});

export const utilization: Check = () => ({
  rule: 'R-UTILIZATION',
  status: 'n/a',
  evidence: [`${dynamic} (LAG load against the 40% line)`],
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
