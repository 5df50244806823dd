import { daemonOf } from '../daemons/registry.js';
import type { DaemonDriver, NodeDirs } from '../daemons/types.js';
import { LabError } from '../errors.js';
import { nodeHostDir } from '../runtime/identity.js';
import type { Runtime } from '../runtime/types.js';
import type { LabModel, LabNode } from '../topology/model.js';
import type { RunOptions, RunResult } from '../util/run.js';
import type { LagDriver } from './lag/types.js';

/** A change the gate saw or made on one edge session. `atMs` is on the lab's monotonic clock. */
export interface GateEvent {
  atMs: number;
  node: string;
  peer: string;
  /** released, held: what the gate did; failed: it could not read the edge or run its command (`error`). */
  event: 'released' | 'held' | 'failed';
  /** The BFD state that decided it ('unknown' when the gate failed before reading it). */
  bfd: string;
  error?: string;
}

/** A running lab: its model, where its nodes live, and how to reach them. Disposing it tears it down. */
export class Lab implements AsyncDisposable {
  /** What the edge's BFD gate (lab/bfd-gate.ts) saw and did, when the model asks for one (certify). */
  gate?: { readonly events: readonly GateEvent[]; readonly gated: readonly { node: string; address: string }[] };
  /** Set when the lab was accepted without converging: what was not ready. */
  notConverged?: string;
  private readonly background: (() => Promise<void>)[] = [];

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

  /** Run `stop` before the lab is torn down. */
  onDown(stop: () => Promise<void>): void {
    this.background.push(stop);
  }

  async down(): Promise<void> {
    await Promise.all(this.background.splice(0).map((stop) => stop().catch(() => {})));
    await this.teardown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.down();
  }
}
