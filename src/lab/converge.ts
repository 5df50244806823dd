import { snapshotNode } from '../observe/snapshot.js';
import type { Clock } from './readiness.js';
import { expectedState } from './expected.js';
import type { Lab } from './lab.js';
import { readinessProblems, reachabilityPairs, waitUntil } from './readiness.js';

/** Problems of the running lab right now: LAGs, BFD, BGP with prefix counts, then host reachability. */
export async function currentProblems(lab: Lab): Promise<string[]> {
  const expected = expectedState(lab.model);
  const snapshots = new Map(
    await Promise.all(expected.map(async (e) => [e.node, await snapshotNode(lab, e.node)] as const)),
  );
  const control = readinessProblems(expected, snapshots);
  if (control.length) return control;
  const reach = await Promise.all(
    reachabilityPairs(lab.model).map(async ({ from, to, address }) => {
      const ping = await lab.exec(from, ['ping', '-c', '1', '-W', '1', '-q', address], { allowFailure: true });
      return ping.exitCode === 0 ? undefined : `${from} cannot reach ${to} (${address})`;
    }),
  );
  return reach.filter((r): r is string => r !== undefined);
}

/** Only the LAG part of readiness: every bond negotiated on all members. */
export async function lagProblems(lab: Lab): Promise<string[]> {
  const expected = expectedState(lab.model)
    .filter((e) => e.lags.length)
    .map((e) => ({ ...e, bgp: [], bfd: [] }));
  const snapshots = new Map(
    await Promise.all(expected.map(async (e) => [e.node, await snapshotNode(lab, e.node)] as const)),
  );
  return readinessProblems(expected, snapshots);
}

export function waitConverged(
  lab: Lab,
  options: { timeoutMs: number; clock?: Clock; signal?: AbortSignal },
): Promise<number> {
  return waitUntil(lab.name, () => currentProblems(lab), options);
}
