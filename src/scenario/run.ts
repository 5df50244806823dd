import { defaultRate, warmupMs } from '../faults/experiment.js';
import { flapFault, injectFault, planLabFault, type ActiveFault } from '../faults/inject.js';
import { waitControlPlane } from '../lab/converge.js';
import type { Lab } from '../lab/lab.js';
import { ReadinessError } from '../lab/readiness.js';
import { startTimeline, type Timeline } from '../observe/timeline.js';
import type { FlowStats } from '../probe/analyze.js';
import { planFlows, type FlowPlan } from '../probe/flows.js';
import { analyzeCapture, labHosts, startProbe } from '../probe/probe.js';
import { systemClock, type Clock } from '../util/clock.js';
import { readMark, type MarkRecord } from './mark.js';
import type { FaultSpec, Scenario, Step } from './model.js';

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
}

export interface RunScenarioOptions {
  clock?: Clock;
  signal?: AbortSignal;
  /** Called with each step as it starts. */
  progress?: (step: string) => void;
}

/**
 * Run a scenario's steps on a running lab under probe traffic, with the control-plane timeline. Faults
 * still applied at the end (or on error or interrupt) are reverted; a wait that times out ends the
 * steps and is recorded, so what was measured up to then still reaches the report.
 */
export async function runScenario(
  lab: Lab,
  scenario: Scenario,
  options: RunScenarioOptions = {},
): Promise<ScenarioRecord> {
  const clock = options.clock ?? systemClock;
  const rate = scenario.probe.rate ?? defaultRate(lab);
  const flows = planFlows(lab.model, { ...scenario.probe, rate });
  const timeline = startTimeline(lab, { intervalMs: 100, clock });
  const active = new Map<string, { fault: ActiveFault; record: FaultRecord }>();
  const faults: FaultRecord[] = [];
  const waits: WaitRecord[] = [];
  const marks: MarkRecord[] = [];
  let error: string | undefined;
  let timelineResult: Timeline | undefined;
  let faultSeq = 0;
  const mark = (r: FaultRecord, to: 'applied' | 'reverted', atMs: number) =>
    timeline.mark({ node: '-', kind: 'fault', subject: r.name, to, atMs });
  const revert = async (name: string) => {
    const entry = active.get(name)!;
    active.delete(name);
    entry.record.revertedAt = await entry.fault.revert();
    mark(entry.record, 'reverted', entry.record.revertedAt);
  };
  const plan = (spec: FaultSpec) =>
    planLabFault(lab, spec.kind, spec.target, {
      id: `s${process.pid % 1000}x${faultSeq++}`,
      ...(spec.direction ? { direction: spec.direction } : {}),
      ...(spec.scope ? { scope: spec.scope } : {}),
    });

  const run = async (step: Step) => {
    switch (step.kind) {
      case 'hold':
        return clock.sleep(step.ms);
      case 'mark':
        marks.push(await readMark(lab, step.name, clock.now()));
        return;
      case 'fault': {
        const fault = await injectFault(lab, plan(step.fault), { clock });
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
        return flapFault(lab, plan(step.fault), {
          count: step.count,
          periodMs: step.periodMs,
          downMs: step.downMs,
          clock,
          ...(options.signal ? { signal: options.signal } : {}),
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
          await waitControlPlane(lab, {
            timeoutMs: step.timeoutMs,
            clock,
            ...(options.signal ? { signal: options.signal } : {}),
          });
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
    const probe = await startProbe(labHosts(lab), flows);
    timeline.mark({ node: '-', kind: 'probe', subject: `${flows.length} flows`, to: 'started', atMs: probe.startedAt });
    let capture;
    try {
      await clock.sleep(warmupMs);
      for (const step of scenario.steps) {
        options.signal?.throwIfAborted();
        options.progress?.(describeStep(step));
        await run(step);
      }
    } catch (e) {
      if (!(e instanceof ReadinessError)) throw e;
      error = e.message;
    } finally {
      for (const name of [...active.keys()]) await revert(name);
      capture = await probe.stop();
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
 * before: until the first fault; during: first fault to last revert; after: from then to the end;
 * restored: from the end of the `wait: restored` after the last revert to the end.
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
