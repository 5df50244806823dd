import type { ActiveFault, FlapOptions } from '../faults/inject.js';
import type { RunningTimeline, Timeline } from '../observe/timeline.js';
import type { FlowStats } from '../probe/analyze.js';
import type { FlowPlan } from '../probe/flows.js';
import type { ProbeOptions, RunningProbe } from '../probe/probe.js';
import type { LabModel } from '../topology/model.js';
import type { BeforeFault } from '../lab/expected.js';
import type { Clock } from '../util/clock.js';
import type { LabCalibration } from './calibration.js';
import type { MarkRecord } from './mark.js';
import type { FaultSpec } from './fault-spec.js';

/** A fault as it ran: when it was applied and reverted (host monotonic ms). */
export interface FaultRecord {
  name: string;
  kind: string;
  target: string;
  applyingAt: number;
  appliedAt: number;
  revertedAt?: number;
}

export interface WaitRecord {
  until: 'converged' | 'restored';
  startedAt: number;
  doneAt: number;
  /** What was still wrong when the wait gave up. */
  problems?: string[];
}

export type PhaseWindows = Record<
  'before' | 'during' | 'after' | 'restored',
  { fromMs: number; toMs: number } | undefined
>;

/** Everything one run of a scenario measured; expectations are judged on this alone. */
export interface ScenarioRecord {
  scenario: string;
  startedAt: number;
  stoppedAt: number;
  rate: number;
  flows: (FlowStats & { plan: FlowPlan })[];
  faults: FaultRecord[];
  waits: WaitRecord[];
  marks: MarkRecord[];
  phases: PhaseWindows;
  timeline: Timeline;
  /** From the last revert until the lab was converged again (a `wait: restored` step). */
  restoreMs?: number;
  /** The steps stopped early: why. */
  error?: string;
  /** The lab's self-measurement the run was planned on (its probe rate comes from it). */
  calibration?: LabCalibration;
  /** Why the run's own baseline (before the first fault) says the lab could not measure: probe packets lost or queued. */
  unfit?: string[];
  /** Set when the lab queued probe packets for a second or more after the first fault: how much, where. */
  saturated?: string;
}

/**
 * What the runner needs of a lab. `labTarget` gives a real lab's; unit tests give a fake one, so step
 * order, reverts and interrupts are tested without routers.
 */
export interface ScenarioTarget {
  model: LabModel;
  /** Probe packets per second per flow when the scenario does not say (the LAG driver's). */
  defaultRate: number;
  startProbe(flows: FlowPlan[], options?: ProbeOptions): Promise<RunningProbe>;
  startTimeline(clock: Clock): RunningTimeline;
  /** Apply a fault now; `id` is unique in the run (it names what the fault adds, such as nft tables). */
  applyFault(spec: FaultSpec, id: string, clock: Clock): Promise<ActiveFault>;
  flap(spec: FaultSpec, id: string, options: FlapOptions): Promise<void>;
  /** Until every session, BFD and LAG is as expected; a ReadinessError when `timeoutMs` passes first. */
  waitControlPlane(options: {
    timeoutMs: number;
    clock: Clock;
    signal?: AbortSignal;
    /** What the routers had before the first fault: unpredictable session counts and kernel routes, at least these again. */
    before?: BeforeFault;
  }): Promise<unknown>;
  readMark(name: string, atMs: number): Promise<MarkRecord>;
}

/** How much of the control plane a capture keeps around a run's faults: before the first, after the last is over. */
export const captureMarginMs = { before: 3000, after: 5000 };

/**
 * The span of a run that holds its faults: from a few seconds before the first was applied to a few
 * seconds after the last was reverted and the lab restored (or the run's end). No faults: undefined.
 */
export function faultWindow(record: ScenarioRecord): { fromMs: number; toMs: number } | undefined {
  if (!record.faults.length) return undefined;
  const first = Math.min(...record.faults.map((f) => f.applyingAt));
  const reverted = record.faults.map((f) => f.revertedAt ?? record.stoppedAt);
  const restored = record.waits.filter((w) => w.until === 'restored').map((w) => w.doneAt);
  const last = Math.max(...reverted, ...restored);
  return {
    fromMs: Math.max(record.startedAt, first - captureMarginMs.before),
    toMs: Math.min(record.stoppedAt, last + captureMarginMs.after),
  };
}
