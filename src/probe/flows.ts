import { InputError, InternalError } from '../errors.js';
import type { LabModel, LabNode } from '../topology/model.js';
import { hostPart } from '../topology/addresses.js';

/** One direction of probe traffic between two endpoint hosts. */
export interface FlowPlan {
  id: number;
  from: string;
  to: string;
  srcAddr: string;
  srcPort: number;
  dstAddr: string;
  dstPort: number;
  rate: number;
}

export interface FlowOptions {
  /** Packets per second per flow (default 1,000). */
  rate?: number;
  /** Flows per host pair and direction, each from its own source port so LAG and ECMP hashing spread them. */
  perPair?: number;
  /** Only these hosts (default: every peer-side host with every Microsoft-side host). */
  hosts?: string[];
}

export const probePort = 7474;
const firstSourcePort = 40000;

export function hostAddress(node: LabNode): string {
  const address = node.interfaces.find((i) => i.address)?.address;
  if (!address) throw new InternalError(`host ${node.name} has no address`);
  return hostPart(address);
}

/** Flows both ways between every peer-side host and every Microsoft-side host. */
export function planFlows(model: LabModel, options: FlowOptions = {}): FlowPlan[] {
  const rate = options.rate ?? 1000;
  const perPair = options.perPair ?? 2;
  const hosts = model.nodes.filter((n) => n.role === 'host');
  for (const name of options.hosts ?? []) {
    if (!hosts.some((h) => h.name === name))
      throw new InputError(`unknown probe host "${name}"; hosts: ${hosts.map((h) => h.name).join(', ')}`);
  }
  const chosen = hosts.filter((h) => !options.hosts || options.hosts.includes(h.name));
  const peers = chosen.filter((h) => h.side === 'peer');
  const services = chosen.filter((h) => h.side === 'microsoft');
  const flows: FlowPlan[] = [];
  for (const a of peers) {
    for (const b of services) {
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const) {
        for (let i = 0; i < perPair; i++) {
          flows.push({
            id: flows.length + 1,
            from: from.name,
            to: to.name,
            srcAddr: hostAddress(from),
            srcPort: firstSourcePort + flows.length,
            dstAddr: hostAddress(to),
            dstPort: probePort,
            rate,
          });
        }
      }
    }
  }
  return flows;
}
