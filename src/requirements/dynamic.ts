import type { Check } from './context.js';

const dynamic = 'checked in a running lab by the scenarios';

/** Microsoft's behaviour, not the partner's: no scenario verifies it yet, so nothing claims it. */
export const noReadvertise: Check = () => ({
  rule: 'R-NO-READVERTISE',
  status: 'n/a',
  evidence: [
    "not verified yet: Microsoft's obligation; the emulated Microsoft core exports only its service prefixes to the transit (by construction, not measured)",
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
