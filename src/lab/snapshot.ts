import { readFile } from 'node:fs/promises';
import type { BfdState, BgpPeerState, NodeAccess } from '../daemons/types.js';
import type { Lab } from './lab.js';
import { bondsOf, type LagState } from './lag/types.js';
import { when } from '../util/fs-errors.js';
import { nodeHostDir } from '../runtime/identity.js';

/** Typed state read from a router, the same shape whatever daemon or LAG driver produced it. */
export interface NodeSnapshot {
  node: string;
  bgp: BgpPeerState[];
  bfd: BfdState[];
  lags: LagState[];
  /** IPv4 routes in the kernel's main table (what the router forwards by), when /proc/net/route could be read. */
  fib?: number;
  /** What the daemon runs but did not answer in time: those sessions' state is unknown, not absent. */
  late?: ('bgp' | 'bfd')[];
}

/** Routes in `/proc/net/route` (the kernel's IPv4 main table): one line each after the header. */
export function countFibRoutes(text: string): number {
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line.trim()).length;
}

/** Through the runtime's exec (vtysh, birdc, ovs-appctl, cat): the way a user would look. */
export function execAccess(lab: Lab, node: string): NodeAccess {
  const exec = async (argv: readonly string[]) => {
    const r = await lab.exec(node, argv, { allowFailure: true, timeoutMs: 5000 }).catch(() => undefined);
    return r?.exitCode === 0 ? r.stdout : undefined;
  };
  return { dirs: lab.dirs(node), exec, procNet: (file) => exec(['cat', `/proc/net/${file}`]) };
}

/**
 * Straight to the daemons' control sockets and the node's /proc/net from the host: no process per
 * query, so the timeline can read every router ten times a second without loading the machine it measures.
 */
export async function socketAccess(lab: Lab, node: string): Promise<NodeAccess> {
  const dirs = lab.dirs(node);
  const root = await lab.runtime.hostRoot(lab.name, node);
  // /proc/<pid>/net follows that process's namespace: a container's init, or (nodes sharing the host's
  // filesystem) the runtime's holder, else the routing daemon, whose pid file says where it is now (it
  // changes when it restarts).
  const pidFile = lab.daemon(node).pidFile(dirs);
  const daemonProc = async () =>
    ((p) => (p ? `/proc/${p}` : undefined))((await readFile(pidFile, 'utf8').catch(when(['ENOENT'], ''))).trim());
  // The holder is looked up once found, and again after a read through it failed.
  let holder: Promise<string | undefined> | undefined;
  const proc = async () => {
    if (root) return root.replace(/\/root$/, '');
    holder ??= lab.runtime.procDir?.(lab.name, node, nodeHostDir(lab.name, node)) ?? Promise.resolve(undefined);
    const dir = await holder;
    if (!dir) holder = undefined;
    return dir ?? (await daemonProc());
  };
  const viaExec = execAccess(lab, node);
  return {
    dirs,
    exec: viaExec.exec,
    hostPath: (path) => `${root}${path}`,
    // Before its daemon starts (the LACP wait), a namespace node has no process to read /proc/net through.
    procNet: async (file) => {
      const dir = await proc();
      if (!dir) return viaExec.procNet(file);
      return readFile(`${dir}/net/${file}`, 'utf8').catch(() => {
        holder = undefined;
        return undefined;
      });
    },
  };
}

/** BGP, BFD and LAG state of one router, read by its daemon and LAG drivers (what does not answer reads as empty), and its kernel's route count. */
export async function snapshotNode(lab: Lab, node: string, access = execAccess(lab, node)): Promise<NodeSnapshot> {
  const spec = lab.node(node);
  const [sessions, lags, route] = await Promise.all([
    lab.daemon(node).readSessions(access),
    lab.lag.read(access, bondsOf(spec.interfaces)),
    access.procNet('route'),
  ]);
  return { node, ...sessions, lags, ...(route ? { fib: countFibRoutes(route) } : {}) };
}
