import type { Lab } from '../lab/lab.js';
import { snapshotNode, socketAccess, type NodeSnapshot } from '../lab/snapshot.js';

export interface MarkRecord {
  name: string;
  atMs: number;
  snapshots: Record<string, NodeSnapshot>;
  /** The prefixes in the BGP table of each router whose daemon can show it. */
  prefixes: Record<string, string[]>;
  /** The same tables with the AS path of each path of each prefix. */
  paths: Record<string, Record<string, string[]>>;
  /** The prefixes each edge router received from its peers before its import policy. */
  received: Record<string, string[]>;
}

/** A checkpoint: every router's sessions, BFD and LAGs, and the BGP tables, read through their sockets. */
export async function readMark(lab: Lab, name: string, atMs: number): Promise<MarkRecord> {
  const routers = lab.model.nodes.filter((n) => n.role !== 'host');
  const read = await Promise.all(
    routers.map(async (node) => {
      const access = await socketAccess(lab, node.name);
      const snapshot = await snapshotNode(lab, node.name, access);
      const routes = lab.daemon(node.name).routes;
      if (!routes) return { node: node.name, snapshot, table: {}, received: [] };
      const table = await routes.table(access);
      // Edges keep what they filter: a rejected prefix shows it arrived.
      const received =
        node.role === 'edge-router' ? await Promise.all(snapshot.bgp.map((b) => routes.received(access, b.peer))) : [];
      return { node: node.name, snapshot, table, received: received.flat() };
    }),
  );
  return {
    name,
    atMs,
    snapshots: Object.fromEntries(read.map((r) => [r.node, r.snapshot])),
    prefixes: Object.fromEntries(read.map((r) => [r.node, Object.keys(r.table)])),
    paths: Object.fromEntries(read.map((r) => [r.node, r.table])),
    received: Object.fromEntries(read.map((r) => [r.node, r.received])),
  };
}
