import type { BfdState, ReceivedRoute } from '../daemons/types.js';
import type { GateEvent } from '../lab/lab.js';
import type { Lab } from '../lab/lab.js';
import type { LagState } from '../lab/lag/types.js';
import { snapshotNode, socketAccess } from '../lab/snapshot.js';
import type { Interconnect } from '../topology/model.js';
import type { Clock } from '../util/clock.js';

/** One interconnect session as the emulated AS8075 edge sees it. */
export interface EdgeSession {
  interconnect: string;
  metro: string;
  role: Interconnect['role'];
  edge: string;
  peerRouter: string;
  /** The partner router's address on the session. */
  peer: string;
  /** BGP state at the edge, and why it is down when the daemon says. */
  bgp: string;
  info?: string;
  /** Whether the lab runs BFD on the session, and its state at the edge. */
  bfdConfigured: boolean;
  bfd: string;
  /** While BFD is up: the edge's detection time as negotiated with the partner, and the partner's multiplier. */
  bfdDetectMs?: number;
  bfdRemoteMultiplier?: number;
  /** What the partner sent, as received, each marked accepted or refused by the edge's import policy. */
  routes: ReceivedRoute[];
  /** The edge's side of the LAG. */
  lag?: LagState;
  membersConfigured: number;
}

export interface EdgeView {
  sessions: EdgeSession[];
  /** The BFD gate's log, times relative to when the daemons started. */
  gate: (Omit<GateEvent, 'atMs'> & { atMs: number })[];
}

/** Read every interconnect session at its edge router: session, BFD, LAG and the routes received. */
export async function readEdges(lab: Lab, startedAtMs: number): Promise<EdgeView> {
  const sessions = await Promise.all(
    lab.model.interconnects.map(async (ic): Promise<EdgeSession> => {
      const session = lab.model.sessions.find((s) => s.interconnect === ic.id)!;
      const peer = session.a.node === ic.peerRouter ? session.a.address : session.b.address;
      const access = await socketAccess(lab, ic.edgeRouter);
      const snapshot = await snapshotNode(lab, ic.edgeRouter, access);
      const bgp = snapshot.bgp.find((b) => b.peer === peer);
      const fromNeighbor = lab.daemon(ic.edgeRouter).routes?.fromNeighbor;
      return {
        interconnect: ic.id,
        metro: ic.metro,
        role: ic.role,
        edge: ic.edgeRouter,
        peerRouter: ic.peerRouter,
        peer,
        bgp: bgp?.state ?? 'absent',
        ...(bgp?.info ? { info: bgp.info } : {}),
        bfdConfigured: session.bfd !== null,
        ...bfdOf(snapshot.bfd.find((b) => b.peer === peer)),
        routes: fromNeighbor ? await fromNeighbor(access, peer) : [],
        ...(snapshot.lags.find((l) => l.name === ic.lag.interface)
          ? { lag: snapshot.lags.find((l) => l.name === ic.lag.interface)! }
          : {}),
        membersConfigured: ic.lag.members,
      };
    }),
  );
  return {
    sessions,
    gate: (lab.gate?.events ?? []).map((e) => ({ ...e, atMs: Math.round(e.atMs - startedAtMs) })),
  };
}

function bfdOf(b: BfdState | undefined): Pick<EdgeSession, 'bfd' | 'bfdDetectMs' | 'bfdRemoteMultiplier'> {
  return {
    bfd: b?.state ?? 'absent',
    ...(b?.detectMs ? { bfdDetectMs: b.detectMs } : {}),
    ...(b?.remoteMultiplier ? { bfdRemoteMultiplier: b.remoteMultiplier } : {}),
  };
}

/** The BFD detection time each interconnect's edge negotiated, where BFD is up. */
export function negotiatedDetection(view: EdgeView): Map<string, number> {
  return new Map(view.sessions.flatMap((s) => (s.bfdDetectMs ? [[s.interconnect, s.bfdDetectMs] as const] : [])));
}

/** What must stop changing before the edge is judged: each session's state and the routes it received. */
function fingerprint(view: EdgeView): string {
  return JSON.stringify(
    view.sessions.map((s) => [s.interconnect, s.bgp, s.bfd, s.routes.map((r) => JSON.stringify(r)).sort()]),
  );
}

/**
 * Read the edge once nothing in it has changed for `quietMs` (at most `maxMs`). A lab counts as converged
 * when every host reaches its destinations, which one twin of a metro already gives: the other twin's
 * session may just have come up (or back after a BFD flap) with its routes still on the way.
 */
export async function settledEdges(
  read: () => Promise<EdgeView>,
  clock: Clock,
  { quietMs = 5_000, maxMs = 30_000, intervalMs = 1_000 } = {},
): Promise<EdgeView> {
  const deadline = clock.now() + maxMs;
  let view = await read();
  let key = fingerprint(view);
  let since = clock.now();
  while (clock.now() - since < quietMs && clock.now() < deadline) {
    await clock.sleep(intervalMs);
    view = await read();
    const next = fingerprint(view);
    if (next !== key) [key, since] = [next, clock.now()];
  }
  return view;
}
