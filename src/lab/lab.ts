import { daemonOf } from '../daemons/registry.js';
import type { DaemonDriver, NodeDirs } from '../daemons/types.js';
import { LabError } from '../errors.js';
import { nodeHostDir } from '../runtime/identity.js';
import type { Runtime } from '../runtime/types.js';
import type { LabModel, LabNode } from '../topology/model.js';
import type { RunOptions, RunResult } from '../util/run.js';
import type { LagDriver } from './lag/types.js';

/** A running lab: its model, where its nodes live, and how to reach them. Disposing it tears it down. */
export class Lab implements AsyncDisposable {
  constructor(
    readonly name: string,
    readonly model: LabModel,
    readonly runtime: Runtime,
    readonly lag: LagDriver,
    private readonly teardown: () => Promise<void>,
  ) {}

  node(name: string): LabNode {
    const node = this.model.nodes.find((n) => n.name === name);
    if (!node) throw new LabError(`no node ${name} in lab ${this.name}`);
    return node;
  }

  /** The daemon driver of a router. */
  daemon(node: string): DaemonDriver {
    const spec = this.node(node);
    if (!spec.daemon) throw new LabError(`${node} in lab ${this.name} runs no routing daemon`);
    return daemonOf(spec);
  }

  dirs(node: string): NodeDirs {
    const dir = this.runtime.nodeDir(this.name, node, nodeHostDir(this.name, node));
    const pathspace = this.runtime.pathspace(this.name, node);
    return { dir, run: `${dir}/run`, ...(pathspace ? { pathspace } : {}) };
  }

  exec(node: string, argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    return this.runtime.exec(this.name, node, argv, options);
  }

  async down(): Promise<void> {
    await this.teardown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.down();
  }
}
