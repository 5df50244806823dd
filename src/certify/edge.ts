import type { ReceivedRoute } from '../daemons/types.js';
import type { GateEvent } from '../lab/bfd-gate.js';
import type { Lab } from '../lab/lab.js';
import type { LagState } from '../lab/lag/types.js';
import { snapshotNode, socketAccess } from '../lab/snapshot.js';
import type { Interconnect } from '../topology/model.js';

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
        bfd: snapshot.bfd.find((b) => b.peer === peer)?.state ?? 'absent',
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
