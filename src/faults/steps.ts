import { daemonOf } from '../daemons/registry.js';
import type { NodeDirs } from '../daemons/types.js';
import { bondsOf, type LagDriver } from '../lab/lag/types.js';
import type { Interconnect, LabNode } from '../topology/model.js';
import type { FaultStep } from './kind.js';
import type { FaultTarget } from './targets.js';

/** The steps fault kinds are made of, and the names of what they act on. */

export function memberInterface(ic: Interconnect, member: number): string {
  return `${ic.lag.interface}-m${member}`;
}

export function memberInterfaces(ic: Interconnect): string[] {
  return ic.lag.memberLinks.map((_, i) => memberInterface(ic, i + 1));
}

/** The two routers of an interconnect, peer side first. */
export function ends(ic: Interconnect): string[] {
  return [ic.peerRouter, ic.edgeRouter];
}

/** The routers that send in `direction` over an interconnect (both without one). */
export function senders(ic: Interconnect, direction: 'to-microsoft' | 'to-peer' | undefined): string[] {
  if (!direction) return ends(ic);
  return [direction === 'to-microsoft' ? ic.peerRouter : ic.edgeRouter];
}

/** The interconnect and member interfaces a loss or delay fault acts on: one member, or all of them. */
export function links(target: Extract<FaultTarget, { kind: 'member' | 'interconnect' }>): {
  ic: Interconnect;
  ifaces: string[];
} {
  if (target.kind === 'member')
    return { ic: target.interconnect, ifaces: [memberInterface(target.interconnect, target.member)] };
  return { ic: target.interconnect, ifaces: memberInterfaces(target.interconnect) };
}

/** Carrier loss: the peer router's end goes down, so both ends lose carrier. */
export function linkState(node: string, ifaces: string[]): FaultStep {
  return {
    node,
    netOnly: true,
    apply: ifaces.map((i) => ['ip', 'link', 'set', i, 'down']),
    revert: ifaces.map((i) => ['ip', 'link', 'set', i, 'up']),
  };
}

/** What a gray failure drops: IP and ARP, so LACP (slow protocols, 0x8809) stays up and only BFD can notice. */
export const ipAndArp = ['ether', 'type', '{ ip, arp }'];

/**
 * Silent loss at the netdev egress hook: Open vSwitch's userspace datapath reads members with packet
 * sockets, which see frames before any ingress hook, so only egress drops blackhole an OVS member.
 * The hooks are installed beforehand and match a set of interface names; the fault itself is one set
 * update, so every member starts (and stops) dropping in the same sub-millisecond transaction, while
 * registering or removing a hook takes the kernel tens of milliseconds.
 */
export function egressDrop(node: string, table: string, ifaces: string[], match: string[]): FaultStep {
  const prepare = [
    `add table netdev ${table}`,
    `add set netdev ${table} down { type ifname; }`,
    ...ifaces.flatMap((iface, i) => [
      `add chain netdev ${table} egress${i} { type filter hook egress device "${iface}" priority 0; policy accept; }`,
      `add rule netdev ${table} egress${i} ${['oifname', '@down', ...match, 'drop'].join(' ')}`,
    ]),
  ].join(' ; ');
  const elements = `{ ${ifaces.map((i) => `"${i}"`).join(', ')} }`;
  return {
    node,
    netOnly: true,
    prepare: [['nft', prepare]],
    apply: [['nft', `add element netdev ${table} down ${elements}`]],
    revert: [['nft', `delete element netdev ${table} down ${elements}`]],
    cleanup: [['nft', `delete table netdev ${table}`]],
  };
}

/**
 * An impairment netem applies at the egress of `ifaces` (delay, loss). netem is installed first with no
 * impairment (untimed), so the fault itself is one `tc qdisc change` per interface.
 */
export function netemSteps(node: string, ifaces: string[], impairment: string[]): FaultStep {
  const netem = (iface: string, verb: string, ...args: string[]) => [
    ...['tc', 'qdisc', verb, 'dev', iface, 'root', 'netem'],
    ...args,
  ];
  return {
    node,
    netOnly: true,
    prepare: ifaces.map((i) => netem(i, 'replace', 'limit', '100000')),
    apply: ifaces.map((i) => netem(i, 'change', 'limit', '100000', ...impairment)),
    revert: ifaces.map((i) => netem(i, 'change', 'limit', '100000')),
    cleanup: ifaces.map((i) => ['tc', 'qdisc', 'del', 'dev', i, 'root']),
  };
}

/**
 * A dead router: every daemon of the node (routing, and what its LAG driver runs) is SIGKILLed and
 * every link loses carrier, as the neighbours of a killed container see it. The node keeps its
 * namespace, so the revert brings the links up, rebuilds the LAGs and restarts the daemons with the
 * configs they had.
 */
export function routerKill(node: LabNode, dirs: NodeDirs, lag: LagDriver): FaultStep {
  const links = node.interfaces.filter((i) => i.kind !== 'bond').map((i) => i.name);
  const daemon = daemonOf(node);
  const bonds = bondsOf(node.interfaces);
  return {
    node: node.name,
    netOnly: false,
    apply: [...daemon.kill(dirs), ...lag.kill(bonds, dirs.run), ...links.map((i) => ['ip', 'link', 'set', i, 'down'])],
    revert: [
      ...links.map((i) => ['ip', 'link', 'set', i, 'up']),
      ...lag.restore(bonds, dirs.run),
      // A router that comes back runs its traffic control again; a rebuilt LAG port has lost it.
      ...(node.tc ?? []).map((argv) => ['tc', ...argv.map((a, i) => (i === 1 && a === 'add' ? 'replace' : a))]),
      ...daemon.restart(dirs),
    ],
  };
}
