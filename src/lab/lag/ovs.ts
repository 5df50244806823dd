import type { Bond, LagDriver } from './types.js';
import { hostPart } from '../../topology/addresses.js';

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
 * Each bond is a bridge of its own whose internal port carries the address.
 */
export const ovsLag: LagDriver = {
  kind: 'ovs',
  setup(bonds, runDir) {
    if (bonds.length === 0) return [];
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
      ...bonds.flatMap((b: Bond) => [
        ...b.members.map((m) => ['ip', 'link', 'set', m, 'up']),
        [
          ...ovsctl(runDir),
          'add-br',
          b.name,
          '--',
          'set',
          'bridge',
          b.name,
          'datapath_type=netdev',
          `other_config:hwaddr=${bondMac(b.address)}`,
          '--',
          'add-bond',
          b.name,
          ovsBondPort(b.name),
          ...b.members,
          'lacp=active',
          'bond_mode=balance-tcp',
          'other_config:lacp-time=fast',
        ],
        ['ip', 'addr', 'add', b.address, 'dev', b.name],
        ['ip', 'link', 'set', b.name, 'up'],
      ]),
    ];
  },
};
