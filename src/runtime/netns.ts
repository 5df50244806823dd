import { rm } from 'node:fs/promises';
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

  constructor(private readonly run: Runner = runCommand) {}

  async createNode(lab: string, node: LabNode): Promise<void> {
    const ns = resourceName(lab, node.name);
    await this.run(['ip', 'netns', 'add', ns]);
    const sysctls = Object.entries(nodeSysctls(node)).map(([key, value]) => `${key}=${value}`);
    await this.run(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...sysctls]);
  }

  async netnsTarget(lab: string, node: string): Promise<string> {
    return resourceName(lab, node);
  }

  async netnsPath(lab: string, node: string): Promise<string> {
    return `/run/netns/${resourceName(lab, node)}`;
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
      await this.killAll(ns);
      await this.run(['ip', 'netns', 'del', ns], { allowFailure: true });
      const pathspace = nodePathspace(lab, ns.slice(resourceName(lab, '').length));
      for (const driver of Object.values(daemonDrivers))
        for (const path of driver.hostPaths?.(pathspace) ?? []) await rm(path, { recursive: true, force: true });
    }
  }

  async listLabs(): Promise<string[]> {
    const labs = (await this.namespaces()).flatMap((ns) => labOfResource(ns) ?? []);
    return [...new Set(labs)].sort();
  }

  /** SIGKILL every process in the namespace and wait until none is left (down returns only when they are gone). */
  private async killAll(ns: string): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const pids = (await this.run(['ip', 'netns', 'pids', ns], { allowFailure: true })).stdout
        .split('\n')
        .filter(Boolean);
      if (pids.length === 0) return;
      await this.run(['kill', '-KILL', ...pids], { allowFailure: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async namespaces(): Promise<string[]> {
    const out = await this.run(['ip', 'netns', 'list'], { allowFailure: true });
    return out.stdout
      .split('\n')
      .map((l) => l.split(' ')[0]!)
      .filter((n) => isLabResource(n));
  }
}
