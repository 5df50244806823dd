import type { Lab } from '../lab/lab.js';
import { snapshotNode, socketReader } from '../observe/snapshot.js';
import type { NodeSnapshot } from '../observe/types.js';

export interface MarkRecord {
  name: string;
  atMs: number;
  snapshots: Record<string, NodeSnapshot>;
  /** The prefixes in each FRR router's BGP table. */
  prefixes: Record<string, string[]>;
  /** The prefixes each FRR edge router received from its peers before its import policy. */
  received: Record<string, string[]>;
}

/** A checkpoint: every router's sessions, BFD and LAGs, and the FRR routers' BGP tables, read through their sockets. */
export async function readMark(lab: Lab, name: string, atMs: number): Promise<MarkRecord> {
  const routers = lab.model.nodes.filter((n) => n.role !== 'host');
  const read = await Promise.all(
    routers.map(async (node) => {
      const reader = await socketReader(lab, node.name);
      const snapshot = await snapshotNode(lab, node.name, reader);
      if (node.daemon !== 'frr') return { node: node.name, snapshot, prefixes: [], received: [] };
      const table = keysOf(await reader.frr('bgpd', 'show bgp ipv4 unicast json'), 'routes');
      // Edges keep what they filter (soft-reconfiguration inbound): a rejected prefix shows it arrived.
      const received =
        node.role === 'edge-router'
          ? await Promise.all(
              snapshot.bgp.map(async (b) =>
                keysOf(
                  await reader.frr('bgpd', `show bgp ipv4 unicast neighbors ${b.peer} received-routes json`),
                  'receivedRoutes',
                ),
              ),
            )
          : [];
      return { node: node.name, snapshot, prefixes: table, received: received.flat() };
    }),
  );
  return {
    name,
    atMs,
    snapshots: Object.fromEntries(read.map((r) => [r.node, r.snapshot])),
    prefixes: Object.fromEntries(read.map((r) => [r.node, r.prefixes])),
    received: Object.fromEntries(read.map((r) => [r.node, r.received])),
  };
}

/** The keys of one object member of FRR's JSON output (`routes`, `receivedRoutes`): prefixes. */
export function keysOf(json: string | undefined, member: string): string[] {
  try {
    const data = JSON.parse(json ?? '{}') as Record<string, unknown>;
    const value = data[member];
    return value && typeof value === 'object' ? Object.keys(value) : [];
  } catch {
    return [];
  }
}
