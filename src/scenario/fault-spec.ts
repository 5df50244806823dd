import type { FaultKind, PlanOptions } from '../faults/primitives.js';

/** One fault as a scenario step names it: its kind, its target, and the kind's options. */
export interface FaultSpec {
  kind: FaultKind;
  target: string;
  direction?: PlanOptions['direction'];
  scope?: PlanOptions['scope'];
  percent?: number;
  delay?: PlanOptions['delay'];
}
