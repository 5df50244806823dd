import type { FaultSpec } from './fault-spec.js';

/** One step of a scenario, bound: what the runner does, in order. */
export type Step =
  | { kind: 'wait'; until: 'converged' | 'restored'; timeoutMs: number }
  | { kind: 'fault'; fault: FaultSpec; name: string }
  | { kind: 'revert'; name: string }
  | { kind: 'hold'; ms: number }
  | { kind: 'flap'; fault: FaultSpec; count: number; periodMs: number; downMs: number }
  | { kind: 'mark'; name: string };

/** One end of a link: a router's interface. */
export interface PortEnd {
  node: string;
  iface: string;
}

/**
 * Interfaces whose packet counters show traffic on a path (an interconnect, a metro, the transit). `far`
 * is the same link's other end, read when this end's counters were not (its router's daemon was down).
 */
export interface PathTarget {
  label: string;
  ports: (PortEnd & { far?: PortEnd })[];
}
