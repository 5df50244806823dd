import { labFaultRecorder } from '../lab/fault-records.js';
import { flapFault, injectFault, planLabFault, type ActiveFault } from '../faults/inject.js';
import { faultLatencyMs } from '../faults/plan.js';
import { waitControlPlane } from '../lab/converge.js';
import type { Lab } from '../lab/lab.js';
import { ReadinessError } from '../lab/readiness.js';
import { startTimeline, type Timeline } from '../observe/timeline.js';
import { planFlows } from '../probe/flows.js';
import { analyzeCapture, labHosts, startProbe } from '../probe/probe.js';
import { systemClock, type Clock } from '../util/clock.js';
import { baselineProblems, saturation } from './baseline.js';
import type { LabCalibration } from './calibrate.js';
import { readMark, type MarkRecord } from './mark.js';
import type { FaultRecord, PhaseWindows, ScenarioRecord, ScenarioTarget, WaitRecord } from './record.js';
export type { FaultRecord, PhaseWindows, ScenarioRecord, ScenarioTarget, WaitRecord } from './record.js';
import type { FaultSpec, Scenario, Step } from './model.js';

/** New flows through Open vSwitch's userspace datapath lose packets until their first upcall installs a flow. */
export const warmupMs = 1000;

/** A running lab as a scenario target: its probe agents, timeline, faults, readiness and marks. */
export function labTarget(lab: Lab): ScenarioTarget {
  const recorder = labFaultRecorder(lab.name);
  const plan = (spec: FaultSpec, id: string) => planLabFault(lab, spec, id);
  return {
    model: lab.model,
    defaultRate: lab.lag.defaultProbeRate,
    startProbe: (flows) => startProbe(labHosts(lab), flows),
    startTimeline: (clock) => startTimeline(lab, { intervalMs: 100, clock }),
    applyFault: (spec, id, clock) => injectFault(lab, plan(spec, id), { clock, recorder }),
    flap: (spec, id, options) => flapFault(lab, plan(spec, id), { ...options, recorder }),
    waitControlPlane: (options) => waitControlPlane(lab, options),
    readMark: (name, atMs) => readMark(lab, name, atMs),
  };
}

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

/** Sleep, but wake and throw the signal's reason as soon as it aborts. */
export async function sleepUnlessAborted(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  if (!signal) return clock.sleep(ms);
  let onAbort: (() => void) | undefined;
  await Promise.race([
    clock.sleep(ms),
    new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
    }),
  ]);
  signal.removeEventListener('abort', onAbort!);
  signal.throwIfAborted();
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
  const { signal } = options;
  const rate = options.rate ?? scenario.probe.rate ?? target.defaultRate;
  const flows = planFlows(target.model, { ...scenario.probe, rate });
  const timeline = target.startTimeline(clock);
  const active = new Map<string, { fault: ActiveFault; record: FaultRecord }>();
  const faults: FaultRecord[] = [];
  const waits: WaitRecord[] = [];
  const marks: MarkRecord[] = [];
  let error: string | undefined;
  let timelineResult: Timeline | undefined;
  let faultSeq = 0;
  const faultId = () => `s${process.pid % 1000}x${faultSeq++}`;
  const mark = (r: FaultRecord, to: 'applied' | 'reverted', atMs: number) =>
    timeline.mark({ node: '-', kind: 'fault', subject: r.name, to, atMs });
  const revert = async (name: string) => {
    const entry = active.get(name)!;
    active.delete(name);
    entry.record.revertedAt = await entry.fault.revert();
    mark(entry.record, 'reverted', entry.record.revertedAt);
  };

  const run = async (step: Step) => {
    switch (step.kind) {
      case 'hold':
        return sleepUnlessAborted(clock, step.ms, signal);
      case 'mark':
        marks.push(await target.readMark(step.name, clock.now()));
        return;
      case 'fault': {
        const fault = await target.applyFault(step.fault, faultId(), clock);
        const record: FaultRecord = {
          name: step.name,
          kind: step.fault.kind,
          target: step.fault.target,
          applyingAt: fault.applyingAt,
          appliedAt: fault.appliedAt,
        };
        faults.push(record);
        active.set(step.name, { fault, record });
        mark(record, 'applied', fault.appliedAt);
        return;
      }
      case 'revert':
        for (const name of step.name === 'all' ? [...active.keys()] : [step.name]) await revert(name);
        return;
      case 'flap':
        return target.flap(step.fault, faultId(), {
          count: step.count,
          periodMs: step.periodMs,
          downMs: step.downMs,
          clock,
          ...(signal ? { signal } : {}),
          onCycle: (c) => {
            const record = {
              name: `${step.fault.kind} ${step.fault.target}`,
              kind: step.fault.kind,
              target: step.fault.target,
              ...c,
            };
            faults.push(record);
            mark(record, 'applied', c.appliedAt);
            mark(record, 'reverted', c.revertedAt);
          },
        });
      case 'wait': {
        const startedAt = clock.now();
        try {
          await target.waitControlPlane({ timeoutMs: step.timeoutMs, clock, ...(signal ? { signal } : {}) });
          waits.push({ until: step.until, startedAt, doneAt: clock.now() });
        } catch (e) {
          if (!(e instanceof ReadinessError)) throw e;
          waits.push({ until: step.until, startedAt, doneAt: clock.now(), problems: e.problems });
          throw e;
        }
        return;
      }
    }
  };

  try {
    const probe = await target.startProbe(flows);
    timeline.mark({ node: '-', kind: 'probe', subject: `${flows.length} flows`, to: 'started', atMs: probe.startedAt });
    let capture;
    try {
      await sleepUnlessAborted(clock, warmupMs, signal);
      for (const step of scenario.steps) {
        signal?.throwIfAborted();
        options.progress?.(describeStep(step));
        await run(step);
      }
    } catch (e) {
      if (!(e instanceof ReadinessError)) throw e;
      error = e.message;
    } finally {
      try {
        for (const name of [...active.keys()]) await revert(name);
      } finally {
        capture = await probe.stop();
      }
    }
    timeline.mark({
      node: '-',
      kind: 'probe',
      subject: `${flows.length} flows`,
      to: 'stopped',
      atMs: capture.stoppedAt,
    });
    timelineResult = await timeline.stop();
    const from = capture.startedAt + warmupMs;
    const phases = phaseWindows(faults, waits, from, capture.stoppedAt);
    const stats = analyzeCapture(
      capture,
      Object.entries(phases).flatMap(([name, w]) => (w ? [{ name, ...w }] : [])),
      warmupMs,
    );
    const lastRevert = Math.max(...faults.map((f) => f.revertedAt ?? -Infinity));
    const restored = restoredWait(waits, lastRevert);
    const unfit = baselineProblems({ flows: stats, phases, startedAt: capture.startedAt });
    const added = scenario.steps.reduce(
      (sum, s) => sum + (s.kind === 'fault' || s.kind === 'flap' ? faultLatencyMs(s.fault) : 0),
      0,
    );
    const saturated = saturation(stats, added);
    return {
      scenario: scenario.name,
      startedAt: capture.startedAt,
      stoppedAt: capture.stoppedAt,
      rate,
      flows: stats,
      faults,
      waits,
      marks,
      phases,
      timeline: timelineResult,
      ...(restored && Number.isFinite(lastRevert) ? { restoreMs: restored.doneAt - lastRevert } : {}),
      ...(error ? { error } : {}),
      ...(options.calibration ? { calibration: options.calibration } : {}),
      ...(unfit.length ? { unfit } : {}),
      ...(saturated ? { saturated } : {}),
    };
  } finally {
    if (!timelineResult) await timeline.stop();
  }
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

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'wait':
      return `wait ${step.until}`;
    case 'fault':
      return `fault ${step.fault.kind} ${step.fault.target}`;
    case 'revert':
      return `revert ${step.name}`;
    case 'hold':
      return `hold ${step.ms} ms`;
    case 'flap':
      return `flap ${step.fault.kind} ${step.fault.target} x${step.count}`;
    case 'mark':
      return `mark ${step.name}`;
  }
}
