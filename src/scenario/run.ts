import { faultLatencyMs } from '../faults/plan.js';
import { ReadinessError } from '../lab/readiness.js';
import type { RunningTimeline, Timeline } from '../observe/timeline.js';
import { planFlows, type FlowPlan } from '../probe/flows.js';
import { analyzeCapture, type ProbeCapture } from '../probe/probe.js';
import { systemClock, type Clock } from '../util/clock.js';
import { baselineProblems, saturation } from './baseline.js';
import type { LabCalibration } from './calibrate.js';
import type { Scenario, Step } from './model.js';
import type { FaultRecord, PhaseWindows, ScenarioRecord, ScenarioTarget, WaitRecord } from './record.js';
import { describeStep, sleepUnlessAborted, StepRunner } from './run-steps.js';
export type { FaultRecord, PhaseWindows, ScenarioRecord, ScenarioTarget, WaitRecord } from './record.js';
export { labTarget } from './lab-target.js';
export { describeStep, sleepUnlessAborted } from './run-steps.js';

/** New flows through Open vSwitch's userspace datapath lose packets until their first upcall installs a flow. */
export const warmupMs = 1000;

export interface RunScenarioOptions {
  clock?: Clock;
  signal?: AbortSignal;
  /** Called with each step as it starts. */
  progress?: (step: string) => void;
  /** Probe packets per second per flow (default: the scenario's, or the target's default). */
  rate?: number;
  /** The lab's self-measurement the rate was chosen from; judges read the carrier chain from it. */
  calibration?: LabCalibration;
}

/**
 * Run a scenario's steps on a lab under probe traffic, with the control-plane timeline. Faults still
 * applied at the end (or on error or interrupt) are reverted; a wait that times out ends the steps and
 * is recorded, so what was measured up to then still reaches the report. `peerlab run` and
 * `peerlab fault` (a scenario of one fault) both run here: one definition of steps and phases.
 */
export async function runScenario(
  target: ScenarioTarget,
  scenario: Scenario,
  options: RunScenarioOptions = {},
): Promise<ScenarioRecord> {
  const clock = options.clock ?? systemClock;
  const rate = options.rate ?? scenario.probe.rate ?? target.defaultRate;
  const flows = planFlows(target.model, { ...scenario.probe, rate });
  const timeline = target.startTimeline(clock);
  const steps = new StepRunner(target, timeline, clock, options.signal);
  let timelineResult: Timeline | undefined;
  try {
    const { capture, error } = await runUnderProbe(target, scenario, flows, timeline, steps, { ...options, clock });
    timelineResult = await timeline.stop();
    return scenarioRecord(scenario, capture, steps, {
      rate,
      timeline: timelineResult,
      error,
      calibration: options.calibration,
    });
  } finally {
    if (!timelineResult) await timeline.stop();
  }
}

/**
 * Probe traffic (its start and stop marked on the timeline) from before the warm-up until every fault is
 * reverted, the steps in between. A wait that times out ends the steps (its message is the run's error);
 * any other error passes on, after the reverts.
 */
async function runUnderProbe(
  target: ScenarioTarget,
  scenario: Scenario,
  flows: FlowPlan[],
  timeline: RunningTimeline,
  steps: StepRunner,
  options: RunScenarioOptions & { clock: Clock },
): Promise<{ capture: ProbeCapture; error?: string }> {
  const { clock, signal } = options;
  const probe = await target.startProbe(flows);
  timeline.mark({ node: '-', kind: 'probe', subject: `${flows.length} flows`, to: 'started', atMs: probe.startedAt });
  let capture;
  let error: string | undefined;
  try {
    await sleepUnlessAborted(clock, warmupMs, signal);
    for (const step of scenario.steps) {
      signal?.throwIfAborted();
      options.progress?.(describeStep(step));
      await steps.run(step);
    }
  } catch (e) {
    if (!(e instanceof ReadinessError)) throw e;
    error = e.message;
  } finally {
    try {
      await steps.revertAll();
    } finally {
      capture = await probe.stop();
    }
  }
  timeline.mark({ node: '-', kind: 'probe', subject: `${flows.length} flows`, to: 'stopped', atMs: capture.stoppedAt });
  return { capture, error };
}

/**
 * What the run measured: the capture's flows by phase, what the steps recorded, the restore time, and
 * whether the lab itself could measure (its baseline, its saturation).
 */
function scenarioRecord(
  scenario: Scenario,
  capture: ProbeCapture,
  { faults, waits, marks }: StepRunner,
  run: Pick<ScenarioRecord, 'rate' | 'timeline' | 'error' | 'calibration'>,
): ScenarioRecord {
  const phases = phaseWindows(faults, waits, capture.startedAt + warmupMs, capture.stoppedAt);
  const stats = analyzeCapture(
    capture,
    Object.entries(phases).flatMap(([name, w]) => (w ? [{ name, ...w }] : [])),
    warmupMs,
  );
  const lastRevert = Math.max(...faults.map((f) => f.revertedAt ?? -Infinity));
  const restored = restoredWait(waits, lastRevert);
  const unfit = baselineProblems({ flows: stats, phases, startedAt: capture.startedAt });
  const saturated = saturation(stats, addedLatencyMs(scenario.steps));
  return {
    scenario: scenario.name,
    startedAt: capture.startedAt,
    stoppedAt: capture.stoppedAt,
    rate: run.rate,
    flows: stats,
    faults,
    waits,
    marks,
    phases,
    timeline: run.timeline,
    ...(restored && Number.isFinite(lastRevert) ? { restoreMs: restored.doneAt - lastRevert } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(run.calibration ? { calibration: run.calibration } : {}),
    ...(unfit.length ? { unfit } : {}),
    ...(saturated ? { saturated } : {}),
  };
}

/** The latency the steps' faults add on purpose (a delay fault's), which saturation must not count. */
function addedLatencyMs(steps: Step[]): number {
  return steps.reduce((sum, s) => sum + (s.kind === 'fault' || s.kind === 'flap' ? faultLatencyMs(s.fault) : 0), 0);
}

/** The `wait: restored` that ended after the last revert: when the lab was whole again. */
function restoredWait(waits: WaitRecord[], lastRevert: number): WaitRecord | undefined {
  return waits.find((w) => w.until === 'restored' && !w.problems && w.doneAt >= lastRevert);
}

/**
 * before: from the end of the warm-up until the first fault began to apply (loss its apply causes is
 * the fault's, never the baseline's); during: from then to the last revert; after: from then to the
 * end; restored: from the end of the `wait: restored` after the last revert to the end.
 */
export function phaseWindows(faults: FaultRecord[], waits: WaitRecord[], fromMs: number, toMs: number): PhaseWindows {
  if (faults.length === 0)
    return { before: { fromMs, toMs }, during: undefined, after: undefined, restored: undefined };
  const first = Math.min(...faults.map((f) => f.applyingAt));
  const last = Math.max(...faults.map((f) => f.revertedAt ?? toMs));
  const restored = restoredWait(waits, last);
  return {
    before: { fromMs, toMs: first },
    during: { fromMs: first, toMs: last },
    after: last < toMs ? { fromMs: last, toMs } : undefined,
    restored: restored && restored.doneAt < toMs ? { fromMs: restored.doneAt, toMs } : undefined,
  };
}
