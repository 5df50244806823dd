import type { Lab } from '../lab/lab.js';
import { birdc, vtysh } from '../lab/daemons.js';
import { ovsAppctl } from '../lab/lag/ovs.js';
import { bondsOf } from '../lab/lag/types.js';
import { parseBirdBfdSessions, parseBirdProtocols } from './bird.js';
import { parseFrrBfdPeers, parseFrrBgpSummary } from './frr.js';
import { parseOvsBondShow, parseProcBonding } from './lag.js';
import type { LagState, NodeSnapshot } from './types.js';

/** BGP, BFD and LAG state of one router, read from its daemons (a daemon that does not answer reads as empty). */
export async function snapshotNode(lab: Lab, node: string): Promise<NodeSnapshot> {
  const spec = lab.node(node);
  const dirs = lab.dirs(node);
  const read = async (argv: string[]) => {
    const r = await lab.exec(node, argv, { allowFailure: true, timeoutMs: 5000 }).catch(() => undefined);
    return r?.exitCode === 0 ? r.stdout : undefined;
  };
  const [bgp, bfd] =
    spec.daemon === 'bird'
      ? await Promise.all([
          read([...birdc(dirs), 'show', 'protocols', 'all']),
          read([...birdc(dirs), 'show', 'bfd', 'sessions']),
        ]).then(([p, b]) => [p ? parseBirdProtocols(p) : [], b ? parseBirdBfdSessions(b) : []] as const)
      : await Promise.all([
          read([...vtysh(dirs), '-c', 'show bgp summary json']),
          read([...vtysh(dirs), '-c', 'show bfd peers json']),
        ]).then(([p, b]) => [p ? parseFrrBgpSummary(p) : [], b ? parseFrrBfdPeers(b) : []] as const);
  return { node, bgp: [...bgp], bfd: [...bfd], lags: await readLags(lab, node, read) };
}

async function readLags(
  lab: Lab,
  node: string,
  read: (argv: string[]) => Promise<string | undefined>,
): Promise<LagState[]> {
  const bonds = bondsOf(lab.node(node).interfaces);
  if (bonds.length === 0) return [];
  if (lab.lag.kind === 'ovs') {
    const text = await read([...ovsAppctl(lab.dirs(node).run), 'bond/show']);
    return text ? parseOvsBondShow(text) : [];
  }
  const states = await Promise.all(
    bonds.map(async (b) => [b.name, await read(['cat', `/proc/net/bonding/${b.name}`])] as const),
  );
  return states.flatMap(([name, text]) => (text ? [parseProcBonding(name, text)] : []));
}
