import type { FlowOptions } from '../probe/flows.js';
import type { Expectation } from './expectations/index.js';
import type { Step } from './step.js';

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

export type { Expectation, ExpectationBody } from './expectations/index.js';
export type { FaultSpec } from './fault-spec.js';
export type { PathTarget, Step } from './step.js';
