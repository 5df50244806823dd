import type { FaultKind, PlanOptions } from '../faults/primitives.js';
import type { FlowOptions } from '../probe/flows.js';
import type { Expectation } from './expectations/index.js';

/** A scenario bound to its topology: every fault target, node, session and path names something real. */
export interface Scenario {
  name: string;
  file: string;
  description?: string;
  /** The topology file, as a path from the working folder. */
  topology: string;
  covers: string[];
  probe: FlowOptions;
  steps: Step[];
  expect: Expectation[];
}

export interface FaultSpec {
  kind: FaultKind;
  target: string;
  direction?: PlanOptions['direction'];
  scope?: PlanOptions['scope'];
  percent?: number;
  delay?: PlanOptions['delay'];
}

export type Step =
  | { kind: 'wait'; until: 'converged' | 'restored'; timeoutMs: number }
  | { kind: 'fault'; fault: FaultSpec; name: string }
  | { kind: 'revert'; name: string }
  | { kind: 'hold'; ms: number }
  | { kind: 'flap'; fault: FaultSpec; count: number; periodMs: number; downMs: number }
  | { kind: 'mark'; name: string };

/** Interfaces whose packet counters show traffic on a path (an interconnect, a metro, the transit). */
export interface PathTarget {
  label: string;
  ports: { node: string; iface: string }[];
}

export type { Expectation, ExpectationBody } from './expectations/index.js';
