import type { FaultSpec } from './fault-spec.js';

/** One step of a scenario, bound: what the runner does, in order. */
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
