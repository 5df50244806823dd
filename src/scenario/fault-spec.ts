export type { FaultSpec } from '../faults/plan.js';
