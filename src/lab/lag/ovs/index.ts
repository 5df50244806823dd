import type { NodeAccess } from '../../../daemons/types.js';
import { hostPart } from '../../../topology/addresses.js';
import type { Bond, LagDriver, LagState } from '../types.js';
import { carrierCommand } from './carrier.js';
import { parseOvsBondShow, parseOvsLacpShow, withLacp } from './parse.js';
import { ovsQuery } from './socket.js';

/** Environment that keeps one Open vSwitch instance's sockets, database and logs in its node's folder. */
export function ovsEnv(runDir: string): string[] {
  return ['env', `OVS_RUNDIR=${runDir}/ovs`, `OVS_DBDIR=${runDir}/ovs`, `OVS_LOGDIR=${runDir}/ovs`];
}

export function ovsctl(runDir: string): string[] {
  return [...ovsEnv(runDir), 'ovs-vsctl', `--db=unix:${runDir}/ovs/db.sock`];
}

export function ovsAppctl(runDir: string): string[] {
  return [...ovsEnv(runDir), 'ovs-appctl', '-t', `${runDir}/ovs/ovs-vswitchd.ctl`];
}

/** The bond port of bridge `bond` (the bridge's own internal port is the L3 interface). */
export function ovsBondPort(bond: string): string {
  return `${bond}-lag`;
}

/**
 * A fixed MAC for a bond's L3 port, from its address (unique in a lab): OVS would otherwise pick a new
 * one whenever it recreates the port (a router restart), and the partner would send to a stale MAC until
 * its ARP entry expired, which no real router does to its neighbours.
 */
export function bondMac(address: string): string {
  const octets = hostPart(address)
    .split('.')
    .map((o) => Number(o).toString(16).padStart(2, '0'));
  return ['02', '00', ...octets].join(':');
}

/**
 * Open vSwitch userspace (datapath_type=netdev): LACP runs in ovs-vswitchd, no kernel module needed.
 * Each bond is a bridge of its own whose internal port carries the address; a watcher takes that port
 * down when no member is left, as a real LAG with min-links 1 (`carrier.ts`).
 */
export const ovsLag: LagDriver = {
  kind: 'ovs',
  description: 'Open vSwitch userspace bonds (LACP in ovs-vswitchd; no kernel module)',
  // python3 runs the carrier watcher (Debian 12's OVS pulls it in; Debian 13's does not).
  packages: ['openvswitch-switch', 'python3'],
  available: async () => ({ ok: true }),
  // A reference lab's userspace datapaths carry 8 flows x 1,000 pps (8,000 pps) with probe RTT p99 about
  // 10 ms on two cores; at 2,000 pps per flow p99 reaches 55-104 ms (npm run bench:headroom, 2026-11-29).
  defaultProbeRate: 1000,
  read,
  kill(bonds, runDir) {
    if (bonds.length === 0) return [];
    return [
      ...ovsKill(runDir),
      // OVS's userspace bridge ports are persistent taps that outlive ovs-vswitchd, addresses and all.
      ...bonds.map((b) => ['ip', 'link', 'del', b.name]),
    ];
  },
  restore(bonds, runDir) {
    if (bonds.length === 0) return [];
    return [['rm', '-rf', `${runDir}/ovs`], ...this.setup(bonds, runDir)];
  },
  // Names are the lab's validated interface names and fixed folders: no user text reaches the shell.
  negotiated: (b, runDir) => [
    'sh',
    '-c',
    `${ovsAppctl(runDir).join(' ')} lacp/show ${ovsBondPort(b.name)} | grep -q negotiated`,
  ],
  setup(bonds, runDir) {
    if (bonds.length === 0) return [];
    // Members come up first and each bond's address last, so that the node's `ip` commands batch (wire.ts).
    return [
      ...bonds.flatMap((b) => b.members.map((m) => ['ip', 'link', 'set', m, 'up'])),
      ...ovsStart(runDir),
      ...bonds.map((b: Bond) => ovsLacpBond(runDir, b.name, bondMac(b.address), ovsBondPort(b.name), b.members)),
      ...bonds.flatMap((b) => [
        ['ip', 'addr', 'add', b.address, 'dev', b.name],
        ['ip', 'link', 'set', b.name, 'up'],
      ]),
      carrierCommand(`${runDir}/ovs`, bonds),
    ];
  },
};

/** A private Open vSwitch in the node's folder: its database, then its switch daemon, both detached. */
export function ovsStart(runDir: string): string[][] {
  const ovs = `${runDir}/ovs`;
  const env = ovsEnv(runDir);
  return [
    ['mkdir', '-p', ovs],
    [...env, 'ovsdb-tool', 'create', `${ovs}/conf.db`, '/usr/share/openvswitch/vswitch.ovsschema'],
    [
      ...env,
      'ovsdb-server',
      `${ovs}/conf.db`,
      `--remote=punix:${ovs}/db.sock`,
      `--pidfile=${ovs}/ovsdb-server.pid`,
      `--unixctl=${ovs}/ovsdb-server.ctl`,
      '--detach',
      `--log-file=${ovs}/ovsdb-server.log`,
    ],
    [
      ...env,
      'ovs-vswitchd',
      `unix:${ovs}/db.sock`,
      `--pidfile=${ovs}/ovs-vswitchd.pid`,
      `--unixctl=${ovs}/ovs-vswitchd.ctl`,
      '--detach',
      `--log-file=${ovs}/ovs-vswitchd.log`,
    ],
    [...ovsctl(runDir), '--no-wait', 'init'],
  ];
}

/** router-kill: the node's LAG watcher and OVS daemons (their pid files are in its OVS folder). */
export function ovsKill(runDir: string): string[][] {
  const ovs = `${runDir}/ovs`;
  return ['carrier', 'ovs-vswitchd', 'ovsdb-server'].map((p) => ['pkill', '-KILL', '-F', `${ovs}/${p}.pid`]);
}

/** A userspace bridge whose bond `port` runs LACP (active, fast) over `members`, hashing per flow. */
export function ovsLacpBond(runDir: string, bridge: string, mac: string, port: string, members: string[]): string[] {
  return [
    ...ovsctl(runDir),
    'add-br',
    bridge,
    '--',
    'set',
    'bridge',
    bridge,
    'datapath_type=netdev',
    `other_config:hwaddr=${mac}`,
    '--',
    'add-bond',
    bridge,
    port,
    ...members,
    'lacp=active',
    'bond_mode=balance-tcp',
    'other_config:lacp-time=fast',
  ];
}

/** One unixctl command: the daemon's socket when the host sees it, else ovs-appctl in the node. */
export function appctl(node: NodeAccess, method: string): Promise<string | undefined> {
  const run = node.dirs.run;
  if (node.hostPath) return ovsQuery(node.hostPath(`${run}/ovs/ovs-vswitchd.ctl`), method).catch(() => undefined);
  return node.exec([...ovsAppctl(run), method]);
}

async function read(node: NodeAccess, bonds: Bond[]): Promise<LagState[]> {
  if (bonds.length === 0) return [];
  const [bondShow, lacpShow] = await Promise.all([appctl(node, 'bond/show'), appctl(node, 'lacp/show')]);
  if (!bondShow) return [];
  return withLacp(parseOvsBondShow(bondShow), lacpShow ? parseOvsLacpShow(lacpShow) : new Map());
}
