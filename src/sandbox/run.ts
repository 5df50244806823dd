import { tearDownLab } from '../lab/down.js';
import type { Lab } from '../lab/lab.js';
import { ReadinessError, waitUntil } from '../lab/readiness.js';
import { lagDriver } from '../lab/lag/registry.js';
import { execAccess } from '../lab/snapshot.js';
import { startLab } from '../lab/up.js';
import type { RouterEvidence, SessionEvidence } from '../requirements/router-evidence.js';
import type { Runtime } from '../runtime/types.js';
import type { LabModel } from '../topology/model.js';
import { systemClock, type Clock } from '../util/clock.js';
import { sandboxPlan, stubNode, type SandboxPlan, type StubSession } from './plan.js';
import { parseBirdBfdTimers, parseBirdRoutes } from './read.js';
import { birdSocket } from '../daemons/bird/index.js';
import { parseBirdProtocols } from '../daemons/bird/parse.js';

export interface SandboxOptions {
  runtime: Runtime;
  /** How long sessions may take to come up before the sandbox reads what there is (ms). */
  timeoutMs?: number;
  /** How long the routes the edges received must stay the same to be read (ms). */
  settleMs?: number;
  clock?: Clock;
  signal?: AbortSignal;
}

/**
 * Run one partner router's config in its own daemon with a stub on every session of its contract, and read
 * what the daemon did with it: sessions, BFD as negotiated, what reached each AS8075 edge. The sandbox is
 * a lab of its own (labelled, torn down whatever happens).
 */
export async function runSandbox(model: LabModel, router: string, options: SandboxOptions): Promise<RouterEvidence> {
  const clock = options.clock ?? systemClock;
  const start = clock.now();
  const plan = sandboxPlan(model, router);
  const lab = await startLab(plan.model, {
    runtime: options.runtime,
    lag: lagDriver('kernel'),
    wait: async () => {},
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const node = plan.model.nodes.find((n) => n.name === router)!;
    const driver = lab.daemon(router);
    const unsettled = await bringUp(lab, plan, { ...options, clock });
    const sessions = await readSessions(lab, plan);
    return {
      router,
      daemon: driver.name,
      version: node.version ?? driver.defaultVersion,
      sessions,
      witnesses: plan.witnesses,
      elapsedMs: clock.now() - start,
      ...(unsettled ? { unsettled } : {}),
    };
  } finally {
    await tearDownLab(lab.name, options.runtime);
  }
}

const birdc = (lab: Lab, ...command: string[]) =>
  lab.exec(stubNode, ['birdc', '-s', birdSocket(lab.dirs(stubNode)), ...command]).then((r) => r.stdout);

/**
 * Core first, until the router has taken in what the core sent; then the edges, until each has received
 * what the router says it sent. A sandbox that never settles is read as it is, and says so.
 */
async function bringUp(
  lab: Lab,
  plan: SandboxPlan,
  options: SandboxOptions & { clock: Clock },
): Promise<string | undefined> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const wait = (protocols: StubSession[]) =>
    waitUntil(lab.name, async () => notEstablished(await birdc(lab, 'show', 'protocols', 'all'), protocols), {
      timeoutMs,
      intervalMs: 200,
      clock: options.clock,
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((error: unknown) => {
      // Sessions that never come up are evidence (a wrong ASN, no BFD), read as they are.
      if (!(error instanceof ReadinessError)) throw error;
    });
  const edges = plan.sessions.filter((s) => s.kind === 'interconnect');
  const quietMs = options.settleMs ?? 1000;
  await wait(plan.sessions.filter((s) => s.kind !== 'interconnect'));
  await settle(lab, plan, [], { quietMs, timeoutMs, clock: options.clock });
  for (const e of edges) await birdc(lab, 'enable', e.protocol);
  await wait(edges);
  return settle(lab, plan, edges, { quietMs, timeoutMs, clock: options.clock });
}

/** The sessions whose BGP state at the stub (`show protocols all`, by the router's address) is not Established. */
function notEstablished(protocols: string, sessions: StubSession[]): string[] {
  const states = parseBirdProtocols(protocols);
  return sessions
    .filter((s) => states.find((p) => p.peer === s.routerAddress)?.state !== 'Established')
    .map((s) => `${s.protocol} (${s.stands}) not Established`);
}

/**
 * Until the router's daemon has nothing pending for any session, each of `edges` holds as many routes as
 * the daemon says it sent there, and none of it changed for `quietMs`. Returns why not, at the deadline.
 */
async function settle(
  lab: Lab,
  plan: SandboxPlan,
  edges: StubSession[],
  o: { quietMs: number; timeoutMs: number; clock: Clock },
): Promise<string | undefined> {
  const driver = lab.daemon(plan.router);
  const router = execAccess(lab, plan.router);
  const deadline = o.clock.now() + o.timeoutMs;
  let [last, since, why] = ['', o.clock.now(), ''];
  for (;;) {
    const [{ bgp }, counts] = await Promise.all([
      driver.readSessions(router),
      Promise.all(
        edges.map(async (e) =>
          routeCount(await birdc(lab, 'show', 'route', 'table', e.table, 'protocol', e.protocol, 'count')),
        ),
      ),
    ]);
    const peers = plan.sessions.map((s) => bgp.find((p) => p.peer === s.stubAddress));
    const busy = plan.sessions.filter((_, i) => peers[i]?.pending).map((s) => `${s.stands}: updates pending`);
    const short = edges.flatMap((e, i) => {
      const sent = bgp.find((p) => p.peer === e.stubAddress && p.state === 'Established')?.sent;
      return sent !== undefined && counts[i] !== sent ? [`${e.stands}: ${counts[i]} of the ${sent} routes sent`] : [];
    });
    const now = JSON.stringify([peers.map((p) => [p?.state, p?.received, p?.sent]), counts]);
    if (now !== last || busy.length || short.length) [last, since] = [now, o.clock.now()];
    else if (o.clock.now() - since >= o.quietMs) return undefined;
    why = [...busy, ...short].join('; ') || 'routes still changing';
    if (o.clock.now() >= deadline) return `not settled after ${Math.round(o.timeoutMs / 1000)} s (${why})`;
    await o.clock.sleep(250);
  }
}

/** `show route table T protocol P count`: the routes of that protocol (of all the table holds). */
const routeCount = (text: string): number => Number(text.match(/(\d+) of \d+ routes/)?.[1] ?? -1);

async function readSessions(lab: Lab, plan: SandboxPlan): Promise<SessionEvidence[]> {
  const router = execAccess(lab, plan.router);
  const [protocols, bfd] = await Promise.all([
    birdc(lab, 'show', 'protocols', 'all'),
    birdc(lab, 'show', 'bfd', 'sessions'),
  ]);
  const states = parseBirdProtocols(protocols);
  const timers = parseBirdBfdTimers(bfd);
  return Promise.all(
    plan.sessions.map(async (s) => {
      const bgp = states.find((p) => p.peer === s.routerAddress);
      const shown = await birdc(lab, 'show', 'route', 'table', s.table, 'protocol', s.protocol, 'all');
      const session: SessionEvidence = {
        kind: s.kind,
        stands: s.stands,
        localAs: s.localAs,
        state: bgp?.state ?? 'unknown',
        received: parseBirdRoutes(shown),
      };
      if (s.kind === 'interconnect') {
        // The router's own view of the session: the limit it holds toward the edge, wherever it was set.
        const limits = await lab.daemon(plan.router).prefixLimits(router, s.stubAddress);
        if (limits) session.prefixLimits = limits;
      }
      const b = timers.find((t) => t.peer === s.routerAddress);
      if (b) session.bfd = { state: b.state, intervalMs: b.intervalMs, detectionMs: b.detectionMs };
      if (bgp?.info) session.info = bgp.info;
      return session;
    }),
  );
}
