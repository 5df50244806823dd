import type { SourcePosition } from '../errors.js';
import type { FaultKind, PlanOptions } from '../faults/primitives.js';
import type { FlowOptions } from '../probe/flows.js';
import type { eventKinds, phases } from './schema.js';

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

export type Phase = (typeof phases)[number];
export type EventKind = (typeof eventKinds)[number];

interface Bound {
  min?: number;
  max?: number;
}

export type ExpectationBody =
  | {
      kind: 'loss';
      flows: { from?: string; to?: string };
      phase: Phase;
      maxLossMs?: number;
      maxOutageMs?: number;
      zero?: boolean;
    }
  | {
      kind: 'state';
      at: string;
      node: string;
      /** The neighbor address on `node`, and how the file named it. */
      session?: { address: string; label: string };
      bgp?: 'established' | 'down';
      bfd?: 'up' | 'down';
      routes?: Bound;
      lag?: { iface: string; label: string };
      membersActive?: number;
      accepted?: string[];
      /** With the rules each prefix breaks, so a report can name them. */
      rejected?: { prefix: string; rules: string[] }[];
    }
  | {
      kind: 'path';
      /** A phase, or the `ms` before a mark. */
      window: { phase: Exclude<Phase, 'all'> } | { mark: string; ms: number };
      via?: PathTarget;
      notVia?: PathTarget;
      activeActive?: { metro: string; interconnects: PathTarget[] };
    }
  | { kind: 'restore'; withinMs?: number; maxSecondOutageMs?: number }
  | ({ kind: 'count'; event: EventKind; node?: string } & Bound);

export type Expectation = ExpectationBody & {
  id: string;
  covers: string[];
  position: SourcePosition;
};
