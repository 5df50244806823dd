import { readFile } from 'node:fs/promises';
import type { NodeAccess } from '../../../daemons/types.js';
import type { Runner } from '../../../util/run.js';
import { appctl, bondMac, ovsBondPort, ovsKill, ovsLacpBond, ovsLag, ovsStart } from '../ovs/index.js';
import { parseOvsBondShow } from '../ovs/parse.js';
import type { Bond, LagDriver, LagState } from '../types.js';
import { lacpBridge, lagEnd, memberOfProxy, nftTable, proxyOf } from './names.js';
import { lagRuleset, watchedBonds } from './ruleset.js';
import { nftWatcherCommand } from './watcher.js';

/**
 * LACP in Open vSwitch userspace, data in the kernel: OVS negotiates LACP on a proxy veth per member and
 * never sees a data frame; nftables' netdev `fwd` hashes each flow onto a member and delivers what
 * members collect to the bond's L3 interface (`ruleset.ts`), kept in step by a watcher (`watcher.ts`).
 * Labs cost a fraction of the `ovs` driver's CPU under traffic (OVS's userspace datapath is woken for
 * every few packets on every LAG they cross), with the same LACP and the same faults.
 */
export const nftLag: LagDriver = {
  kind: 'nft',
  description: 'Open vSwitch runs LACP, the kernel forwards (nftables fwd over the members); no kernel module',
  packages: ['openvswitch-switch', 'python3', 'nftables'],
  available,
  defaultProbeRate: 1000,
  read,
  kill(bonds, runDir) {
    if (bonds.length === 0) return [];
    return [
      ...ovsKill(runDir),
      // What a dead router's LAGs were: the members stay (they are the links), the rest goes with it.
      ['nft', 'delete', 'table', 'netdev', nftTable],
      ...bonds.flatMap((b) => [
        ['ip', 'link', 'del', b.name],
        ['ip', 'link', 'del', lacpBridge(b.name)],
        ...b.members.map((m) => ['ip', 'link', 'del', proxyOf(m).x]),
      ]),
    ];
  },
  // The table's name and ruleset are ours (validated interface names): no user text reaches the shell.
  afterFilters(bonds, runDir) {
    if (bonds.length === 0) return [];
    const reload = `nft '${lagRuleset(bonds)}' && pkill -HUP -F ${runDir}/ovs/carrier.pid`;
    return [['sh', '-c', `nft list table netdev ${nftTable} >/dev/null 2>&1 || { ${reload}; }`]];
  },
  restore(bonds, runDir) {
    if (bonds.length === 0) return [];
    return [['rm', '-rf', `${runDir}/ovs`], ...this.setup(bonds, runDir)];
  },
  // The same OVS bond port as the ovs driver's: OVS says when it has negotiated.
  negotiated: ovsLag.negotiated,
  setup(bonds, runDir) {
    if (bonds.length === 0) return [];
    // Links and addresses first, so that the node's `ip` commands batch (wire.ts); the L3 interface has no
    // carrier until the watcher finds a member that carries traffic.
    return [
      ...bonds.flatMap((b) => [
        ['ip', 'link', 'add', b.name, 'address', bondMac(b.address), 'type', 'veth', 'peer', 'name', lagEnd(b.name)],
        ...b.members.flatMap((m) => {
          const { x, y } = proxyOf(m);
          return [
            ['ip', 'link', 'add', x, 'type', 'veth', 'peer', 'name', y],
            ['ip', 'link', 'set', m, 'up'],
            ['ip', 'link', 'set', x, 'up'],
          ];
        }),
        ['ip', 'addr', 'add', b.address, 'dev', b.name],
        ['ip', 'link', 'set', b.name, 'up'],
      ]),
      ['nft', lagRuleset(bonds)],
      ...ovsStart(runDir),
      ...bonds.map((b) =>
        ovsLacpBond(
          runDir,
          lacpBridge(b.name),
          bondMac(b.address),
          ovsBondPort(b.name),
          b.members.map((m) => proxyOf(m).x),
        ),
      ),
      nftWatcherCommand(`${runDir}/ovs`, watchedBonds(bonds)),
    ];
  },
};

/**
 * Whether this kernel has what the data path needs (netdev ingress hooks, `fwd`, the flow hash): the
 * ruleset of a one-member bond is loaded in a namespace of its own that dies with the command.
 */
async function available(run: Runner): Promise<{ ok: true } | { ok: false; reason: string }> {
  const bond: Bond = { name: 'probe', address: '198.51.100.0/31', members: ['probe-m1'] };
  const { x, y } = proxyOf('probe-m1');
  const script = [
    `ip link add probe type veth peer name ${lagEnd('probe')}`,
    `ip link add probe-m1 type veth peer name probe-m2`,
    `ip link add ${x} type veth peer name ${y}`,
    `nft '${lagRuleset([bond])}'`,
  ].join(' && ');
  const probe = await run(['unshare', '--net', '--', 'sh', '-c', script], { allowFailure: true }).catch(() => ({
    exitCode: 1,
    stderr: 'unshare failed',
  }));
  return probe.exitCode === 0
    ? { ok: true }
    : {
        ok: false,
        reason: `this kernel or nft cannot load the LAG ruleset (netdev ingress hooks, fwd, symhash): ${
          String(probe.stderr ?? '')
            .trim()
            .split('\n')[0]
        }`,
      };
}

/** The watcher's applied members: through the host when it sees the node's files, else by exec. */
async function readApplied(node: NodeAccess, path: string): Promise<string | undefined> {
  return node.hostPath ? readFile(node.hostPath(path), 'utf8').catch(() => undefined) : node.exec(['cat', path]);
}

/** LACP as OVS negotiated it; which members carry traffic as the watcher last applied it to the data path. */
async function read(node: NodeAccess, bonds: Bond[]): Promise<LagState[]> {
  if (bonds.length === 0) return [];
  const [bondShow, applied] = await Promise.all([
    appctl(node, 'bond/show'),
    readApplied(node, `${node.dirs.run}/ovs/lag.json`),
  ]);
  if (!bondShow) return [];
  const active = parseApplied(applied);
  return parseOvsBondShow(bondShow).map((lag) => ({
    ...lag,
    members: lag.members.map((m) => {
      const name = memberOfProxy(bonds, m.name);
      return { name, enabled: active.get(lag.name)?.includes(name) ?? false };
    }),
  }));
}

function parseApplied(text: string | undefined): Map<string, string[]> {
  try {
    return new Map(Object.entries(JSON.parse(text ?? '{}') as Record<string, string[]>));
  } catch {
    return new Map();
  }
}
