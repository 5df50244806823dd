import type { Runtime } from '../runtime/types.js';
import type { LabModel, LabNode } from '../topology/model.js';
import type { RunOptions, RunResult } from '../util/run.js';
import type { NodeDirs } from './daemons.js';
import type { LagDriver } from './lag/types.js';
import { nodeHostDir } from './state.js';

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
    if (!node) throw new Error(`no node ${name} in lab ${this.name}`);
    return node;
  }

  dirs(node: string): NodeDirs {
    const dir = this.runtime.nodeDir(this.name, node, nodeHostDir(this.name, node));
    const instance = this.runtime.frrInstance(this.name, node);
    return { dir, run: `${dir}/run`, ...(instance ? { frrInstance: instance } : {}) };
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
