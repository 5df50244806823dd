import { flapFault, injectFault, planLabFault } from '../faults/inject.js';
import { labFaultRecorder } from '../lab/fault-records.js';
import { waitControlPlane } from '../lab/converge.js';
import type { Lab } from '../lab/lab.js';
import { startTimeline } from '../observe/timeline.js';
import { labHosts, startProbe } from '../probe/probe.js';
import type { FaultSpec } from './fault-spec.js';
import { readMark } from './mark.js';
import type { ScenarioTarget } from './record.js';

/** A running lab as a scenario target: its probe agents, timeline, faults, readiness and marks. */
export function labTarget(lab: Lab): ScenarioTarget {
  const recorder = labFaultRecorder(lab.name);
  const plan = (spec: FaultSpec, id: string) => planLabFault(lab, spec, id);
  return {
    model: lab.model,
    defaultRate: lab.lag.defaultProbeRate,
    startProbe: (flows, options) => startProbe(labHosts(lab), flows, options),
    startTimeline: (clock) => startTimeline(lab, { intervalMs: 100, clock }),
    applyFault: (spec, id, clock) => injectFault(lab, plan(spec, id), { clock, recorder }),
    flap: (spec, id, options) => flapFault(lab, plan(spec, id), { ...options, recorder }),
    waitControlPlane: (options) => waitControlPlane(lab, options),
    readMark: (name, atMs) => readMark(lab, name, atMs),
  };
}
