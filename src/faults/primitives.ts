import { InputError } from '../errors.js';
import { daemonOf } from '../daemons/registry.js';
import type { NodeDirs } from '../daemons/types.js';
import { bondsOf, type LagDriver } from '../lab/lag/types.js';
import type { Interconnect, LabModel, LabNode, Link } from '../topology/model.js';
import { resolveTarget, type FaultTarget } from './targets.js';

export const faultKinds = [
  'member-down',
  'lag-down',
  'member-blackhole',
  'link-blackhole',
  'bfd-only-loss',
  'one-way-loss',
  'random-loss',
  'delay',
  'daemon-crash',
  'router-kill',
  'site-down',
] as const;
export type FaultKind = (typeof faultKinds)[number];

/** Commands run on one node to apply a fault, and the exact commands that revert it. */
export interface FaultStep {
  node: string;
  /**
   * Commands that only touch the network namespace (ip, nft) run from the host with nsenter: a few
   * milliseconds instead of a container exec, so the fault's start and end are timed tightly.
   */
  netOnly: boolean;
  /** Run before the fault, untimed: installs what lets `apply` be one quick change (nft hooks). */
  prepare?: string[][];
  apply: string[][];
  revert: string[][];
  /** Run after the revert, untimed: removes what `prepare` installed. */
  cleanup?: string[][];
}

export interface FaultPlan {
  id: string;
  kind: FaultKind;
  target: string;
  steps: FaultStep[];
}

export interface PlanOptions {
  /** Short unique id; names the nftables table the fault adds. */
  id: string;
  dirs: (node: string) => NodeDirs;
  /** router-kill: how the node's LAGs are rebuilt when it comes back. */
  lag: LagDriver;
  /** one-way-loss: which direction is lost. */
  direction?: 'to-microsoft' | 'to-peer';
  /** site-down: lose every interconnect of the metro (carrier loss), or kill every peer router there. */
  scope?: 'interconnects' | 'routers';
  /** random-loss: the share of frames lost, 1-100 (default 10). */
  percent?: number;
  /** delay: what netem adds at the egress (default 50 ms, no jitter, no reordering). */
  delay?: DelayOptions;
}

export interface DelayOptions {
  ms?: number;
  /** Uniform variation around the delay, ms (netem reorders with it unless the rate is low). */
  jitterMs?: number;
  /** Share of frames sent at once instead of delayed (netem `reorder`): they overtake the others. */
  reorderPercent?: number;
}

const wants: Record<FaultKind, FaultTarget['kind'][]> = {
  'member-down': ['member'],
  'lag-down': ['interconnect'],
  'member-blackhole': ['member'],
  'link-blackhole': ['interconnect'],
  'bfd-only-loss': ['interconnect'],
  'one-way-loss': ['interconnect'],
  'random-loss': ['member', 'interconnect'],
  delay: ['member', 'interconnect'],
  'daemon-crash': ['router'],
  'router-kill': ['router'],
  'site-down': ['metro'],
};

/** The target a fault of `kind` is aimed at; an InputError when it names nothing or the wrong kind of thing. */
export function faultTarget(model: LabModel, kind: FaultKind, targetName: string): FaultTarget {
  const target = resolveTarget(model, targetName);
  if (!wants[kind].includes(target.kind)) {
    throw new InputError(
      `${kind} takes a ${wants[kind].join(' or ')} target (such as ${example(model, wants[kind][0]!)}), not the ${target.kind} "${targetName}"`,
    );
  }
  return target;
}

/** Bind a fault to its target and spell out what to run where, to apply it and to revert it. */
export function planFault(model: LabModel, kind: FaultKind, targetName: string, options: PlanOptions): FaultPlan {
  const target = faultTarget(model, kind, targetName);
  const table = `peerlab_${options.id}`;
  const steps = ((): FaultStep[] => {
    switch (target.kind) {
      case 'member': {
        const iface = memberInterface(target.interconnect, target.member);
        if (kind === 'random-loss') return randomLoss(target.interconnect, [iface], table, options);
        if (kind === 'delay') return delay(target.interconnect, [iface], options);
        return kind === 'member-down'
          ? [linkState(target.interconnect.peerRouter, [iface])]
          : ends(target.interconnect).map((node) => egressDrop(node, table, [iface], []));
      }
      case 'interconnect': {
        const ic = target.interconnect;
        const members = ic.lag.memberLinks.map((_, i) => memberInterface(ic, i + 1));
        if (kind === 'lag-down') return [linkState(ic.peerRouter, members)];
        if (kind === 'random-loss') return randomLoss(ic, members, table, options);
        if (kind === 'delay') return delay(ic, members, options);
        // Gray failures keep LACP (slow protocols, 0x8809) alive: only BFD can notice them.
        const match = kind === 'bfd-only-loss' ? ['udp', 'dport', '{ 3784, 3785 }'] : ['ether', 'type', '{ ip, arp }'];
        if (kind !== 'one-way-loss') return ends(ic).map((node) => egressDrop(node, table, members, match));
        const sender = (options.direction ?? 'to-microsoft') === 'to-microsoft' ? ic.peerRouter : ic.edgeRouter;
        return [egressDrop(sender, table, members, match)];
      }
      case 'router': {
        const node = model.nodes.find((n) => n.name === target.node)!;
        return kind === 'router-kill'
          ? [routerKill(node, options.dirs(node.name), options.lag)]
          : [
              daemonCrash(
                model.nodes.find((n) => n.name === target.node)!,
                options.dirs(target.node),
              ),
            ];
      }
      case 'metro':
        if (options.scope === 'routers') {
          const routers = [...new Set(target.interconnects.map((ic) => ic.peerRouter))];
          return routers.map((r) =>
            routerKill(
              model.nodes.find((n) => n.name === r)!,
              options.dirs(r),
              options.lag,
            ),
          );
        }
        return target.interconnects.map((ic) =>
          linkState(
            ic.peerRouter,
            ic.lag.memberLinks.map((_, i) => memberInterface(ic, i + 1)),
          ),
        );
    }
  })();
  return { id: options.id, kind, target: targetName, steps };
}

/**
 * A blackhole on one plain link (both ends, IP and ARP), such as a host's access link: no routing
 * protocol watches it, so the outage the probe measures is exactly the one injected (the accuracy benchmark).
 */
export function planLinkBlackhole(link: Pick<Link, 'id' | 'a' | 'b'>, id: string): FaultPlan {
  const match = ['ether', 'type', '{ ip, arp }'];
  return {
    id,
    kind: 'link-blackhole',
    target: link.id,
    steps: [link.a, link.b].map((end) => egressDrop(end.node, `peerlab_${id}`, [end.interface], match)),
  };
}

function example(model: LabModel, kind: FaultTarget['kind']): string {
  const ic = model.interconnects[0]!;
  return { interconnect: ic.id, member: ic.lag.memberLinks[0]!, router: ic.peerRouter, metro: `metro:${ic.metro}` }[
    kind
  ];
}

function memberInterface(ic: Interconnect, member: number): string {
  return `${ic.lag.interface}-m${member}`;
}

function ends(ic: Interconnect): string[] {
  return [ic.peerRouter, ic.edgeRouter];
}

/**
 * Partial loss, as dirty optics or a congested transport circuit cause it: every frame (LACP and BFD
 * included) is dropped with the given probability, at the egress of one end (`direction`) or both.
 * nftables' random number generator does it where netem is missing (this host's kernel).
 */
function randomLoss(ic: Interconnect, ifaces: string[], table: string, options: PlanOptions): FaultStep[] {
  const percent = options.percent ?? 10;
  if (!Number.isInteger(percent) || percent < 1 || percent > 100)
    throw new InputError(`random-loss takes a whole percentage from 1 to 100 (got ${percent})`);
  const match = ['numgen', 'random', 'mod', '100', '<', String(percent)];
  const senders = !options.direction
    ? ends(ic)
    : [options.direction === 'to-microsoft' ? ic.peerRouter : ic.edgeRouter];
  return senders.map((node) => egressDrop(node, table, ifaces, match));
}

/** The delay fault's options, in range: an InputError naming the one that is not (bound before a lab runs). */
export function checkDelay(options: DelayOptions = {}): DelayOptions {
  const { ms = 50, jitterMs, reorderPercent } = options;
  const whole = (what: string, n: number, max: number) => {
    if (!Number.isInteger(n) || n < 0 || n > max)
      throw new InputError(`delay: ${what} must be a whole number from 0 to ${max} (got ${n})`);
  };
  whole('the delay (ms)', ms, 10_000);
  if (jitterMs !== undefined) whole('the jitter (ms), at most the delay,', jitterMs, ms);
  if (reorderPercent !== undefined) whole('the reordered share (%)', reorderPercent, 100);
  if (reorderPercent && ms === 0)
    throw new InputError('delay: reordering needs a delay for the other frames to be late by');
  return options;
}

/**
 * Latency, jitter and reordering with netem at the egress of one end or both (a long or congested transport
 * circuit). netem is installed first with no impairment (untimed; a kernel without sch_netem fails there, as
 * this CI host's does), so the fault itself is one `tc qdisc change` per interface.
 */
function delay(ic: Interconnect, ifaces: string[], options: PlanOptions): FaultStep[] {
  const { ms = 50, jitterMs, reorderPercent } = checkDelay(options.delay);
  const impairment = [
    'delay',
    `${ms}ms`,
    ...(jitterMs ? [`${jitterMs}ms`] : []),
    ...(reorderPercent ? ['reorder', `${reorderPercent}%`] : []),
  ];
  const netem = (iface: string, verb: string, ...args: string[]) => [
    'tc',
    'qdisc',
    verb,
    'dev',
    iface,
    'root',
    'netem',
    ...args,
  ];
  const senders = !options.direction
    ? ends(ic)
    : [options.direction === 'to-microsoft' ? ic.peerRouter : ic.edgeRouter];
  return senders.map((node) => ({
    node,
    netOnly: true,
    prepare: ifaces.map((i) => netem(i, 'replace', 'limit', '100000')),
    apply: ifaces.map((i) => netem(i, 'change', 'limit', '100000', ...impairment)),
    revert: ifaces.map((i) => netem(i, 'change', 'limit', '100000')),
    cleanup: ifaces.map((i) => ['tc', 'qdisc', 'del', 'dev', i, 'root']),
  }));
}

/** Carrier loss: the peer router's end goes down, so both ends lose carrier. */
function linkState(node: string, ifaces: string[]): FaultStep {
  return {
    node,
    netOnly: true,
    apply: ifaces.map((i) => ['ip', 'link', 'set', i, 'down']),
    revert: ifaces.map((i) => ['ip', 'link', 'set', i, 'up']),
  };
}

/**
 * Silent loss at the netdev egress hook: Open vSwitch's userspace datapath reads members with packet
 * sockets, which see frames before any ingress hook, so only egress drops blackhole an OVS member.
 * The hooks are installed beforehand and match a set of interface names; the fault itself is one set
 * update, so every member starts (and stops) dropping in the same sub-millisecond transaction, while
 * registering or removing a hook takes the kernel tens of milliseconds.
 */
function egressDrop(node: string, table: string, ifaces: string[], match: string[]): FaultStep {
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
 * A dead router: every daemon of the node (routing, and what its LAG driver runs) is SIGKILLed and
 * every link loses carrier, as the neighbours of a killed container see it. The node keeps its
 * namespace, so the revert brings the links up, rebuilds the LAGs and restarts the daemons with the
 * configs they had.
 */
function routerKill(node: LabNode, dirs: NodeDirs, lag: LagDriver): FaultStep {
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

/** Kill the BGP daemon alone, the way its driver knows, and start it again with the same config. */
function daemonCrash(node: LabNode, dirs: NodeDirs): FaultStep {
  return { node: node.name, netOnly: false, ...daemonOf(node).crashBgp(dirs) };
}
