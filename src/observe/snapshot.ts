import { readFile } from 'node:fs/promises';
import type { Lab } from '../lab/lab.js';
import { birdc, frrRunDir, vtysh } from '../lab/daemons.js';
import { ovsAppctl } from '../lab/lag/ovs.js';
import { bondsOf } from '../lab/lag/types.js';
import { parseBirdBfdSessions, parseBirdProtocols } from './bird.js';
import { parseFrrBfdPeers, parseFrrBgpSummary } from './frr.js';
import { parseOvsBondShow, parseOvsLacpShow, withLacp, parseProcBonding } from './lag.js';
import { birdQuery, frrQuery, ovsQuery } from './sockets.js';
import type { LagState, NodeSnapshot } from './types.js';

/** How a snapshot reaches a node's daemons; `undefined` when the daemon does not answer. */
export interface NodeReader {
  frr(daemon: 'bgpd' | 'bfdd', command: string): Promise<string | undefined>;
  bird(command: string): Promise<string | undefined>;
  ovs(method: string): Promise<string | undefined>;
  /** `/proc/net/bonding/<bond>` as the node sees it. */
  bonding(bond: string): Promise<string | undefined>;
}

/** Through the runtime's exec (vtysh, birdc, ovs-appctl, cat): the way a user would look. */
export function execReader(lab: Lab, node: string): NodeReader {
  const dirs = lab.dirs(node);
  const read = async (argv: string[]) => {
    const r = await lab.exec(node, argv, { allowFailure: true, timeoutMs: 5000 }).catch(() => undefined);
    return r?.exitCode === 0 ? r.stdout : undefined;
  };
  return {
    frr: (_daemon, command) => read([...vtysh(dirs), '-c', command]),
    bird: (command) => read([...birdc(dirs), ...command.split(' ')]),
    ovs: (method) => read([...ovsAppctl(dirs.run), method]),
    bonding: (bond) => read(['cat', `/proc/net/bonding/${bond}`]),
  };
}

/** Straight to the daemons' control sockets from the host: no process per query, for frequent sampling. */
export async function socketReader(lab: Lab, node: string): Promise<NodeReader> {
  const dirs = lab.dirs(node);
  const root = await lab.runtime.hostRoot(lab.name, node);
  const quiet = async (query: () => Promise<string>) => query().catch(() => undefined);
  return {
    frr: (daemon, command) => quiet(() => frrQuery(`${root}${frrRunDir(dirs)}/${daemon}.vty`, command)),
    bird: (command) => quiet(() => birdQuery(`${root}${dirs.run}/bird.ctl`, command)),
    ovs: (method) => quiet(() => ovsQuery(`${root}${dirs.run}/ovs/ovs-vswitchd.ctl`, method)),
    // /proc/net follows the reader's namespace: a container's is read through its init's pid, a
    // namespace without one through exec.
    bonding: root
      ? (bond) => quiet(() => readFile(`${root.replace(/\/root$/, '')}/net/bonding/${bond}`, 'utf8'))
      : execReader(lab, node).bonding,
  };
}

/** BGP, BFD and LAG state of one router, read from its daemons (a daemon that does not answer reads as empty). */
export async function snapshotNode(lab: Lab, node: string, reader = execReader(lab, node)): Promise<NodeSnapshot> {
  const spec = lab.node(node);
  const [bgp, bfd, lags] = await Promise.all([
    spec.daemon === 'bird'
      ? reader.bird('show protocols all').then((t) => (t ? parseBirdProtocols(t) : []))
      : reader.frr('bgpd', 'show bgp summary json').then((t) => (t ? parseFrrBgpSummary(t) : [])),
    spec.daemon === 'bird'
      ? reader.bird('show bfd sessions').then((t) => (t ? parseBirdBfdSessions(t) : []))
      : reader.frr('bfdd', 'show bfd peers json').then((t) => (t ? parseFrrBfdPeers(t) : [])),
    readLags(lab, node, reader),
  ]);
  return { node, bgp, bfd, lags };
}

async function readLags(lab: Lab, node: string, reader: NodeReader): Promise<LagState[]> {
  const bonds = bondsOf(lab.node(node).interfaces);
  if (bonds.length === 0) return [];
  if (lab.lag.kind === 'ovs') {
    const [bondShow, lacpShow] = await Promise.all([reader.ovs('bond/show'), reader.ovs('lacp/show')]);
    if (!bondShow) return [];
    return withLacp(parseOvsBondShow(bondShow), lacpShow ? parseOvsLacpShow(lacpShow) : new Map());
  }
  const states = await Promise.all(bonds.map(async (b) => [b.name, await reader.bonding(b.name)] as const));
  return states.flatMap(([name, text]) => (text ? [parseProcBonding(name, text)] : []));
}
