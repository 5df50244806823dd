import type { LabModel } from '../topology/model.js';
import type { Check } from './context.js';
import { fromFindings } from './result.js';

const dynamic = 'checked in a running lab by the scenarios';

/** Microsoft's behaviour, not the partner's: a `readvertise` expectation reads the transit's table in a running lab. */
export const noReadvertise: Check = () => ({
  rule: 'R-NO-READVERTISE',
  status: 'n/a',
  evidence: [
    "n/a statically (Microsoft's obligation); in a running lab a readvertise expectation reads the transit's BGP table (the reference E-INTERNET scenarios have one)",
  ],
});

/** Where a LAG must start augmenting (R-UTILIZATION). */
const augmentAt = 0.4;

/**
 * R-UTILIZATION from the declared peaks: each metro's peak splits equally over its live local
 * interconnects (active-active, which certify verifies at the edge); a metro with none left sends its
 * traffic to the other metros' interconnects. Normal operation and every single interconnect failure (N-1).
 */
export const utilization: Check = ({ model }) => {
  const peaks = model.peakTrafficMbps;
  if (!peaks)
    return {
      rule: 'R-UTILIZATION',
      status: 'n/a',
      evidence: ['no metro declares peak-traffic: declare it per metro to see each LAG against the 40% line'],
    };
  const all = model.interconnects.filter((i) => i.role !== 'backup');
  const failures = [undefined, ...all.map((i) => i.id)];
  const findings = all.map((ic) => {
    const loads = failures
      .filter((f) => f !== ic.id)
      .map((failed) => ({ failed, mbps: loadOn(ic.id, failed, all, peaks) }));
    const normal = loads[0]!;
    const worstCase = loads.slice(1).reduce((a, b) => (b.mbps > a.mbps ? b : a), normal);
    const pct = (mbps: number) => Math.round((mbps / ic.lag.bandwidthMbps) * 100);
    const over = (mbps: number) => pct(mbps) - augmentAt * 100;
    const text =
      `${ic.id} (${ic.lag.bandwidthMbps / 1000}G): normal ${pct(normal.mbps)}% (${(normal.mbps / 1000).toFixed(1)}G)` +
      (worstCase.failed
        ? `; N-1 worst ${pct(worstCase.mbps)}% (${(worstCase.mbps / 1000).toFixed(1)}G) when ${worstCase.failed} fails`
        : '');
    if (over(normal.mbps) > 0)
      return {
        status: 'warn' as const,
        text: `${text}: ${over(normal.mbps)} points over the 40% line already: augment now`,
      };
    if (over(worstCase.mbps) > 0)
      return {
        status: 'warn' as const,
        text: `${text}: ${over(worstCase.mbps)} points over the 40% line after one failure`,
      };
    return { status: 'pass' as const, text };
  });
  return fromFindings('R-UTILIZATION', findings);
};

/** Mbps on `target` when `failed` is down: each metro's peak over its live local interconnects, else over the rest. */
function loadOn(
  target: string,
  failed: string | undefined,
  all: LabModel['interconnects'],
  peaks: Record<string, number>,
): number {
  const live = all.filter((i) => i.id !== failed);
  let mbps = 0;
  for (const [metro, peak] of Object.entries(peaks)) {
    const local = live.filter((i) => i.metro === metro);
    const carriers = local.length ? local : live;
    if (carriers.some((i) => i.id === target)) mbps += peak / carriers.length;
  }
  return mbps;
}

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
