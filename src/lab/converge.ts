import type { NodeAccess } from '../daemons/types.js';
import type { Clock } from '../util/clock.js';
import { expectedState, withFloors, type BeforeFault, type ExpectedNode } from './expected.js';
import type { Lab } from './lab.js';
import { problemsOf, reachabilityPairs, Refused, waitUntil, type Problem } from './readiness.js';
import { execAccess, snapshotNode, socketAccess } from './snapshot.js';
import { keptDown } from './kept-down.js';

/**
 * Each node's daemons and LAG read through their sockets from the host: no process per poll, so waiting
 * does not load the machine it waits on (an exec into each of 46 containers every 250 ms kept their
 * Open vSwitch instances from negotiating LACP at all).
 */
function socketAccesses(lab: Lab): (node: string) => Promise<NodeAccess> {
  const accesses = new Map<string, Promise<NodeAccess>>();
  return (node) => {
    if (!accesses.has(node)) accesses.set(node, socketAccess(lab, node));
    return accesses.get(node)!;
  };
}

async function stateProblems(
  lab: Lab,
  expected: ExpectedNode[],
  access?: (node: string) => Promise<NodeAccess>,
): Promise<string[] | Refused> {
  const snapshots = new Map(
    await Promise.all(
      expected.map(async (e) => [e.node, await snapshotNode(lab, e.node, access && (await access(e.node)))] as const),
    ),
  );
  return refusedOrAll(lab, problemsOf(expected, snapshots), access);
}

/**
 * When every problem is a session, its daemons are asked why (`keptDown`): if the configs keep every one
 * down, no wait helps. Only then is anyone asked, so a wait under probe traffic costs no extra query.
 */
async function refusedOrAll(
  lab: Lab,
  problems: Problem[],
  access?: (node: string) => Promise<NodeAccess>,
): Promise<string[] | Refused> {
  const kept = await keptDown(lab, problems, access ?? ((node) => Promise.resolve(execAccess(lab, node))));
  return kept ? new Refused(kept) : problems.map((p) => p.text);
}

/** Problems of the running lab right now: LAGs, BFD, BGP with prefix counts, then host reachability. */
export async function currentProblems(
  lab: Lab,
  expected = expectedState(lab.model),
  access?: (node: string) => Promise<NodeAccess>,
): Promise<string[]> {
  const found = await currentState(lab, expected, access);
  return found instanceof Refused ? found.problems : found;
}

async function currentState(
  lab: Lab,
  expected: ExpectedNode[],
  access?: (node: string) => Promise<NodeAccess>,
): Promise<string[] | Refused> {
  const control = await stateProblems(lab, expected, access);
  if (control instanceof Refused || control.length) return control;
  const reach = await Promise.all(
    reachabilityPairs(lab.model).map(async ({ from, to, address }) => {
      const ping = await lab.exec(from, ['ping', '-c', '1', '-W', '1', '-q', address], { allowFailure: true });
      return ping.exitCode === 0 ? undefined : `${from} cannot reach ${to} (${address})`;
    }),
  );
  return reach.filter((r): r is string => r !== undefined);
}

/** Wait until every bond has negotiated on all members (the LAG part of readiness only). */
export function waitLagsNegotiated(lab: Lab, options: { timeoutMs: number; signal?: AbortSignal }): Promise<number> {
  const expected = expectedState(lab.model)
    .filter((e) => e.lags.length)
    .map((e) => ({ ...e, bgp: [], bfd: [] }));
  const access = socketAccesses(lab);
  return waitUntil(lab.name, () => stateProblems(lab, expected, access), { ...options, intervalMs: 250 });
}

export function waitConverged(
  lab: Lab,
  options: { timeoutMs: number; clock?: Clock; signal?: AbortSignal },
): Promise<number> {
  const expected = expectedState(lab.model);
  const access = socketAccesses(lab);
  return waitUntil(lab.name, () => currentState(lab, expected, access), options);
}

/**
 * Wait until LAGs, BFD and BGP (with prefix counts) are as expected, and with `before` what each router
 * had before a fault again, reading the daemons' sockets and /proc from the host: no process per poll, so
 * it can run under probe traffic without loading the machine it measures (reachability is what the probe
 * itself shows).
 */
export function waitControlPlane(
  lab: Lab,
  options: { timeoutMs: number; clock?: Clock; signal?: AbortSignal; before?: BeforeFault },
): Promise<number> {
  const { before, ...wait } = options;
  const expected = before ? withFloors(expectedState(lab.model), before) : expectedState(lab.model);
  const access = socketAccesses(lab);
  return waitUntil(lab.name, () => stateProblems(lab, expected, access), { intervalMs: 250, ...wait });
}
