import { InputError } from '../errors.js';
import { bindFault, type FaultSpec } from '../faults/plan.js';
import type { FlowOptions } from '../probe/flows.js';
import type { LabModel } from '../topology/model.js';
import type { Scenario, Step } from './model.js';

export interface OneFaultOptions {
  /** Kind, target and the kind's options, as a scenario file writes them. */
  fault: { kind: string; target: string; options?: FaultSpec['options'] };
  /** How long the fault stays applied (each failure of a flap), ms. */
  holdMs: number;
  /** Probe traffic before the fault (after the warm-up) and after its revert, ms. */
  beforeMs: number;
  afterMs: number;
  probe?: FlowOptions;
  /** Repeat the fault: `count` failures of `holdMs`, one every `periodMs`. */
  flap?: { count: number; periodMs: number };
}

/**
 * `peerlab fault` as a scenario: hold, fault, hold, revert, hold (or hold, flap, hold), with no
 * expectations; it runs on the same runner as `peerlab run`, so its phases and warnings are the same.
 * The target is bound here: a wrong one is an InputError before any traffic starts.
 */
export function oneFaultScenario(model: LabModel, o: OneFaultOptions): Scenario {
  const fault = bindFault(model, o.fault);
  if (o.flap && o.holdMs >= o.flap.periodMs)
    throw new InputError(`--hold (${o.holdMs} ms) must be shorter than --period (${o.flap.periodMs} ms) to flap`);
  const name = `${fault.kind} ${fault.target}`;
  const steps: Step[] = o.flap
    ? [
        { kind: 'hold', ms: o.beforeMs },
        { kind: 'flap', fault, count: o.flap.count, periodMs: o.flap.periodMs, downMs: o.holdMs },
        { kind: 'hold', ms: o.afterMs },
      ]
    : [
        { kind: 'hold', ms: o.beforeMs },
        { kind: 'fault', fault, name },
        { kind: 'hold', ms: o.holdMs },
        { kind: 'revert', name: 'all' },
        { kind: 'hold', ms: o.afterMs },
      ];
  return {
    name: `fault ${name}${o.flap ? ` x${o.flap.count}` : ''}`,
    file: '(peerlab fault)',
    topology: model.source,
    covers: [],
    probe: o.probe ?? {},
    steps,
    expect: [],
  };
}
