import { systemClock, type Clock } from '../util/clock.js';
import { PeerlabError } from '../errors.js';
import type { LabModel } from '../topology/model.js';
import type { NodeSnapshot } from './snapshot.js';
import type { ExpectedNode } from './expected.js';
import { hostPart } from '../topology/addresses.js';

/**
 * One thing not (yet) as a converged lab has it; `session` when it is a BGP session not Established, `bfd`
 * when it is a BFD session not up (`id`: the model's session).
 */
export interface Problem {
  text: string;
  session?: { node: string; peer: string; id: string };
  bfd?: { node: string; peer: string; id: string };
}

/** What is not (yet) as a converged lab must be, one line each, naming node, session, member and last state. */
export function readinessProblems(expected: ExpectedNode[], snapshots: Map<string, NodeSnapshot>): string[] {
  return problemsOf(expected, snapshots).map((p) => p.text);
}

export function problemsOf(expected: ExpectedNode[], snapshots: Map<string, NodeSnapshot>): Problem[] {
  const problems: Problem[] = [];
  const push = (text: string) => problems.push({ text });
  for (const want of expected) {
    const have = snapshots.get(want.node);
    // A daemon that runs but did not answer in time: its sessions are unknown, not absent.
    const missing = (kind: 'bgp' | 'bfd') => (have?.late?.includes(kind) ? 'unknown (no answer in time)' : 'absent');
    for (const lag of want.lags) {
      const state = have?.lags.find((l) => l.name === lag.name);
      if (!state) push(`${want.node}: LAG ${lag.name} not found`);
      else {
        if (!state.negotiated) push(`${want.node}: LAG ${lag.name} LACP not negotiated`);
        for (const member of lag.members) {
          const m = state.members.find((x) => x.name === member);
          if (!m?.enabled) push(`${want.node}: LAG ${lag.name} member ${member} ${m ? 'disabled' : 'missing'}`);
        }
      }
    }
    for (const bfd of want.bfd) {
      const state = have?.bfd.find((b) => b.peer === bfd.peer)?.state ?? missing('bfd');
      if (state !== 'up')
        problems.push({
          text: `${want.node}: BFD ${bfd.session} to ${bfd.peer} is ${state}`,
          bfd: { node: want.node, peer: bfd.peer, id: bfd.session },
        });
    }
    for (const bgp of want.bgp) {
      const state = have?.bgp.find((b) => b.peer === bgp.peer);
      if (state?.state !== 'Established') {
        problems.push({
          text: `${want.node}: BGP ${bgp.session} to ${bgp.peer} is ${state?.state ?? missing('bgp')}${state?.info ? ` (${state.info})` : ''}`,
          session: { node: want.node, peer: bgp.peer, id: bgp.session },
        });
      } else if (bgp.received !== undefined && state.received !== bgp.received) {
        push(
          `${want.node}: BGP ${bgp.session} to ${bgp.peer} has ${state.received} prefixes, expected ${bgp.received}`,
        );
      } else if (bgp.receivedAtLeast !== undefined && state.received < bgp.receivedAtLeast) {
        push(
          `${want.node}: BGP ${bgp.session} to ${bgp.peer} has ${state.received} prefixes, had ${bgp.receivedAtLeast} before the fault`,
        );
      }
    }
    if (want.fibAtLeast !== undefined && !((have?.fib ?? 0) >= want.fibAtLeast))
      push(
        `${want.node}: its kernel has ${have?.fib ?? 'no readable'} routes, had ${want.fibAtLeast} before the fault`,
      );
  }
  return problems;
}

/** Every peer-side host must reach every Microsoft-side host. */
export function reachabilityPairs(model: LabModel): { from: string; to: string; address: string }[] {
  const hosts = model.nodes.filter((n) => n.role === 'host');
  return hosts
    .filter((h) => h.side === 'peer')
    .flatMap((from) =>
      hosts
        .filter((h) => h.side === 'microsoft')
        .map((to) => ({ from: from.name, to: to.name, address: hostPart(to.interfaces[0]!.address!) })),
    );
}

export class ReadinessError extends PeerlabError {
  override name = 'ReadinessError';
  constructor(
    readonly lab: string,
    readonly problems: string[],
    waitedMs: number,
    /** Every session still down is kept down by the two ends' configs, as their daemons say: no wait would end it. */
    readonly refused = false,
  ) {
    super(
      refused
        ? `lab ${lab} cannot converge: after ${(waitedMs / 1000).toFixed(0)} s, all that is not ready is sessions ` +
            `the two ends' configs keep down, as their daemons say (no wait fixes it):\n  ${problems.join('\n  ')}`
        : `lab ${lab} did not converge within ${(waitedMs / 1000).toFixed(0)} s; not ready:\n  ${problems.join('\n  ')}`,
    );
  }
}

/** What a poll found when every problem is a session the daemons refused (see `ReadinessError.refused`). */
export class Refused {
  constructor(readonly problems: string[]) {}
}

/**
 * Poll `problems` until it returns none or `timeoutMs` passes; the last problems are the error's report.
 * Two polls in a row that find only sessions the configs keep down end the wait: time will not bring them
 * up. One is not enough: a daemon caught applying its config may have a neighbor without its BFD line yet.
 */
export async function waitUntil(
  lab: string,
  problems: () => Promise<string[] | Refused>,
  options: { timeoutMs: number; intervalMs?: number; clock?: Clock; signal?: AbortSignal },
): Promise<number> {
  const clock = options.clock ?? systemClock;
  const start = clock.now();
  let refusedBefore = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const found = await problems();
    const waited = clock.now() - start;
    const refused = found instanceof Refused;
    if (refused && (refusedBefore || waited >= options.timeoutMs))
      throw new ReadinessError(lab, found.problems, waited, true);
    refusedBefore = refused;
    if (!refused && found.length === 0) return waited;
    if (!refused && waited >= options.timeoutMs) throw new ReadinessError(lab, found, waited);
    await clock.sleep(options.intervalMs ?? 1000);
  }
}
