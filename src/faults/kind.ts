import type { z } from 'zod';
import type { NodeDirs } from '../daemons/types.js';
import type { LagDriver } from '../lab/lag/types.js';
import type { LabModel } from '../topology/model.js';
import type { FaultTarget } from './targets.js';

/** Commands run on one node to apply a fault, and the exact commands that revert it. */
export interface FaultStep {
  node: string;
  /**
   * Commands that only touch the network namespace (ip, nft) run from the host with nsenter: a few
   * milliseconds instead of a container exec, so the fault's start and end are timed tightly.
   */
  netOnly: boolean;
  /** Run before the fault, untimed: installs what lets `apply` be one quick change (nft hooks). */
  prepare?: string[][];
  apply: string[][];
  revert: string[][];
  /** Run after the revert, untimed: removes what `prepare` installed. */
  cleanup?: string[][];
}

export interface FaultPlan {
  id: string;
  kind: string;
  target: string;
  steps: FaultStep[];
  /** Kernel modules the fault needs (netem): a host without them is told so before anything is applied. */
  needs?: readonly string[];
}

/** What a kind's plan may use of the lab, besides its target and options. */
export interface PlanContext {
  model: LabModel;
  /** The nftables table the fault may add, unique to this fault. */
  table: string;
  dirs: (node: string) => NodeDirs;
  /** How a node's LAGs are rebuilt when it comes back (router-kill). */
  lag: LagDriver;
}

/**
 * One fault kind: its name, what it can be aimed at, its options as a scenario file writes them (the
 * scenario schema, `peerlab fault`'s flags and its help come from these), and the commands it runs.
 * A new kind is a file in faults/kinds/ and a line in faults/kinds/index.ts.
 */
export interface FaultKind<
  Name extends string = string,
  Options extends z.ZodObject = z.ZodObject,
  Target extends FaultTarget['kind'] = FaultTarget['kind'],
> {
  name: Name;
  /** One line: what breaks, as the help and the docs say it. */
  summary: string;
  targets: readonly Target[];
  /**
   * Every option optional, each described; an option two kinds share is the same schema (faults/options.ts).
   * Refinements (one option against another) give messages without a path: they name the fault.
   */
  options: Options;
  /** Kernel modules the fault needs with these options (netem). */
  needs?(options: z.output<Options>): readonly string[];
  /** The latency the fault adds to every packet it carries, ms (a delay): not the lab's own queueing. */
  latencyMs?(options: z.output<Options>): number;
  plan(target: Extract<FaultTarget, { kind: Target }>, options: z.output<Options>, context: PlanContext): FaultStep[];
}

/** Declare a kind with its options' types carried to its plan. */
export const defineFault = <Name extends string, Options extends z.ZodObject, Target extends FaultTarget['kind']>(
  kind: FaultKind<Name, Options, Target>,
): FaultKind<Name, Options, Target> => kind;
