import { readFile, rm, stat } from 'node:fs/promises';
import { daemonDrivers } from '../daemons/registry.js';
import type { LabNode } from '../topology/model.js';
import { runCommand, type Runner, type RunOptions, type RunResult } from '../util/run.js';
import { nodeSysctls } from './sysctls.js';
import { nodePathspace, isLabResource, labOfResource, resourceName } from './identity.js';
import type { Runtime } from './types.js';

/**
 * One named network namespace per node on the host; daemons run as host processes inside it,
 * FRR with its own pathspace (-N), BIRD and Open vSwitch with sockets in the node's folder.
 */
export class NetnsRuntime implements Runtime {
  readonly kind = 'netns';
  readonly usesHostDaemons = true;

  async check(): Promise<void> {}

  constructor(private readonly run: Runner = runCommand) {}

  async createNode(lab: string, node: LabNode, hostDir: string): Promise<void> {
    const ns = resourceName(lab, node.name);
    await this.run(['ip', 'netns', 'add', ns]);
    const sysctls = Object.entries(nodeSysctls(node)).map(([key, value]) => `${key}=${value}`);
    await this.run(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...sysctls]);
    // A process that only sleeps in the namespace, so its /proc/net (counters, bonds, routes) can be read from
    // the host while the node's daemon is dead (daemon-crash); down stops it with every other process there.
    await this.run([
      'ip',
      'netns',
      'exec',
      ns,
      'setsid',
      '-f',
      'sh',
      '-c',
      'echo $$ > "$1"; exec sleep infinity </dev/null >/dev/null 2>&1',
      'peerlab-holder',
      holderPidFile(hostDir),
    ]);
  }

  async procDir(lab: string, node: string, hostDir: string): Promise<string | undefined> {
    const pid = (await readFile(holderPidFile(hostDir), 'utf8').catch(() => '')).trim();
    if (!/^\d+$/.test(pid)) return undefined;
    // The pid is the holder's only while it lives in the node's namespace (not a reused pid).
    const [mine, theirs] = await Promise.all(
      [`/proc/${pid}/ns/net`, await this.netnsPath(lab, node)].map((path) => stat(path).catch(() => undefined)),
    );
    return mine && theirs && mine.ino === theirs.ino && mine.dev === theirs.dev ? `/proc/${pid}` : undefined;
  }

  async netnsTarget(lab: string, node: string): Promise<string> {
    return resourceName(lab, node);
  }

  async netnsPath(lab: string, node: string): Promise<string> {
    return `/run/netns/${resourceName(lab, node)}`;
  }

  async toolNamespaces(lab: string, node: string): Promise<string[]> {
    return [`--net=${await this.netnsPath(lab, node)}`];
  }

  async hostRoot(): Promise<string> {
    return '';
  }

  nodeDir(_lab: string, _node: string, hostDir: string): string {
    return hostDir;
  }

  pathspace(lab: string, node: string): string {
    return nodePathspace(lab, node);
  }

  exec(lab: string, node: string, argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    return this.run(['ip', 'netns', 'exec', resourceName(lab, node), ...argv], options);
  }

  async removeLab(lab: string): Promise<void> {
    for (const ns of await this.namespaces()) {
      if (!isLabResource(ns, lab)) continue;
      const pids = await this.stopAll(ns);
      await this.run(['ip', 'netns', 'del', ns], { allowFailure: true });
      const pathspace = nodePathspace(lab, ns.slice(resourceName(lab, '').length));
      for (const driver of Object.values(daemonDrivers))
        for (const path of driver.hostPaths?.({ pathspace, pids }) ?? [])
          await rm(path, { recursive: true, force: true });
    }
  }

  async listLabs(): Promise<string[]> {
    const labs = (await this.namespaces()).flatMap((ns) => labOfResource(ns) ?? []);
    return [...new Set(labs)].sort();
  }

  /**
   * Stop every process in the namespace the way daemons expect: SIGTERM, up to 2 s to exit (FRR removes
   * its crash-log folder only on a clean exit), then SIGKILL until none is left (down returns only when
   * they are gone). Returns every pid it saw, so what they leave outside the lab's folder can be removed.
   */
  private async stopAll(ns: string): Promise<string[]> {
    const seen = new Set<string>();
    const pids = async () => {
      const found = (await this.run(['ip', 'netns', 'pids', ns], { allowFailure: true })).stdout
        .split('\n')
        .filter(Boolean);
      for (const pid of found) seen.add(pid);
      return found;
    };
    const running = await pids();
    if (running.length) await this.run(['kill', '-TERM', ...running], { allowFailure: true });
    for (let attempt = 0; attempt < 70; attempt++) {
      const left = await pids();
      if (left.length === 0) break;
      if (attempt >= 20) await this.run(['kill', '-KILL', ...left], { allowFailure: true });
      await new Promise((r) => setTimeout(r, 100));
    }
    return [...seen];
  }

  private async namespaces(): Promise<string[]> {
    const out = await this.run(['ip', 'netns', 'list'], { allowFailure: true });
    return out.stdout
      .split('\n')
      .map((l) => l.split(' ')[0]!)
      .filter((n) => isLabResource(n));
  }
}

const holderPidFile = (hostDir: string) => `${hostDir}/holder.pid`;
