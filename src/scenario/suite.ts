import { join, relative } from 'node:path';
import { startCapture, type CaptureFile } from '../observe/capture.js';
import { InternalError, InterruptedError, PeerlabError } from '../errors.js';
import type { Lab } from '../lab/lab.js';
import type { LagDriver } from '../lab/lag/types.js';
import { startLab } from '../lab/up.js';
import type { Runtime } from '../runtime/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { judgeScenario } from './expectations/index.js';
import type { LoadedScenario } from './load.js';
import type { Scenario } from './model.js';
import { ReadinessError } from '../lab/readiness.js';
import { planFlows } from '../probe/flows.js';
import {
  calibrateLab,
  ceilingText,
  chooseRate,
  describeCalibration,
  lowestRate,
  type LabCalibration,
} from './calibrate.js';
import { faultWindow, type ScenarioRecord, type ScenarioTarget } from './record.js';
import {
  runSchema,
  summarizeFigures,
  toAttempt,
  verdictCounts,
  worstVerdict,
  type Attempt,
  type RunReport,
  type ScenarioReport,
} from './results.js';
import { labTarget, runScenario } from './run.js';

export interface SuiteOptions {
  runtime: Runtime;
  lag: LagDriver;
  /** Runs of each scenario (figures are summarized over them). */
  repeat?: number;
  /** Leave each lab running after its scenarios. */
  keepLab?: boolean;
  signal?: AbortSignal;
  progress?: (line: string) => void;
  clock?: Clock;
}

/** The empty report a run fills in. */
export function newRunReport(runtime: string, lag: string): RunReport {
  const startedAt = new Date().toISOString();
  return {
    schema: runSchema,
    startedAt,
    finishedAt: startedAt,
    runtime,
    lag,
    interrupted: false,
    labs: [],
    scenarios: [],
    passed: false,
    verdict: 'fail',
    counts: { pass: 0, fail: 0, inconclusive: 0 },
  };
}

export interface OnLabOptions {
  repeat?: number;
  signal?: AbortSignal;
  progress?: (line: string) => void;
  clock?: Clock;
  /**
   * Measure the lab before its first scenario and take each probe rate from it (default). Off, each
   * scenario runs at its own rate and nothing is re-run (benchmarks that sweep the rate themselves).
   */
  calibrate?: boolean;
  /** A self-measurement of this lab made a moment ago (`peerlab fault` keeps one per lab): used, not made again. */
  calibration?: LabCalibration;
  /** Called with the self-measurement as soon as it is made, before any scenario (a run killed later keeps it). */
  onCalibrated?: (calibration: LabCalibration) => Promise<void>;
  /** Capture the control plane of some nodes for each attempt, into `out`/captures (the files beside the reports). */
  capture?: { out: string; nodes(scenario: Scenario): string[] };
}

/** How long a re-run waits for the lab to settle (converged control plane) before it starts. */
const settleTimeoutMs = 60_000;

/** Run scenarios on a running lab, each `repeat` times, judged, into `report` (for `peerlab fault` too). */
export async function runOnLab(
  lab: Lab,
  scenarios: Scenario[],
  report: RunReport,
  options: OnLabOptions = {},
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const progress = options.progress ?? (() => {});
  const repeat = options.repeat ?? 1;
  const target = labTarget(lab);
  let calibration = options.calibrate === false ? undefined : options.calibration;
  if (options.calibrate !== false && !calibration && scenarios.length) {
    progress(`${lab.name}: self-test (forwarding headroom, carrier chain)`);
    calibration = await calibrateLab(target, {
      clock,
      maxPps: Math.max(
        ...scenarios.map((s) => (s.probe.rate ?? target.defaultRate) * planFlows(lab.model, s.probe).length),
      ),
      progress: (line) => progress(`${lab.name}: ${line}`),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for (const line of describeCalibration(calibration)) progress(`${lab.name}: ${line}`);
    await options.onCalibrated?.(calibration);
  }
  if (calibration) {
    const entry = report.labs.find((l) => l.name === lab.name);
    if (entry) entry.calibration = calibration;
    else report.labs.push({ topology: lab.model.source, name: lab.name, upMs: 0, calibration });
  }
  for (const scenario of scenarios) {
    const entry: ScenarioReport = {
      name: scenario.name,
      file: scenario.file,
      topology: scenario.topology,
      ...(scenario.description ? { description: scenario.description } : {}),
      covers: scenario.covers,
      passed: false,
      verdict: 'fail',
      attempts: [],
      figures: [],
    };
    report.scenarios.push(entry);
    for (let i = 0; i < repeat; i++) {
      let captured: CaptureFile[] = [];
      const label = `${scenario.name}${repeat > 1 ? ` (${i + 1}/${repeat})` : ''}`;
      progress(label);
      const capture = options.capture
        ? await startCapture(
            lab,
            options.capture.nodes(scenario),
            join(options.capture.out, 'captures'),
            `${scenario.name}${repeat > 1 ? `-run${i + 1}` : ''}`,
          )
        : undefined;
      let judged: ScenarioRecord | undefined;
      const attempt = await measuredAttempt(lab, target, scenario, calibration, {
        clock,
        progress: (line) => progress(`${scenario.name}: ${line}`),
        judged: (record) => (judged = record),
        ...(options.signal ? { signal: options.signal } : {}),
      })
        .catch((error: unknown) => {
          // Not a measurement: the scenario is not judged on it (the run's own error says what stopped it).
          entry.verdict = 'inconclusive';
          entry.stopped = error instanceof Error ? error.message.split('\n')[0]! : String(error);
          throw error;
        })
        .finally(async () => {
          captured = (await capture?.stop(judged && faultWindow(judged))) ?? [];
        });
      if (captured.length)
        attempt.captures = captured.map((c) => ({
          node: c.node,
          file: relative(options.capture!.out, c.file),
          bytes: c.bytes,
          ...(c.packets ? { packets: c.packets } : {}),
        }));
      entry.attempts.push(attempt);
      entry.verdict = worstVerdict(entry.attempts.map((a) => a.verdict));
      entry.passed = entry.verdict === 'pass';
      entry.figures = summarizeFigures(entry.attempts);
      progress(
        `${scenario.name}: ${attempt.verdict === 'pass' ? 'passed' : attempt.verdict === 'fail' ? 'FAILED' : 'INCONCLUSIVE'}`,
      );
    }
  }
}

/**
 * One judged run of a scenario at the rate the lab can carry. A run whose own baseline lost or queued
 * probe packets, or that the lab could not measure, runs once more at half the rate after the lab
 * settles; that second run is the attempt, with the first one's rate and reasons.
 */
async function measuredAttempt(
  lab: Lab,
  target: ScenarioTarget,
  scenario: Scenario,
  calibration: LabCalibration | undefined,
  options: {
    clock: Clock;
    signal?: AbortSignal;
    progress: (line: string) => void;
    /** Told the record of the run that is judged (the re-run's, when there is one). */
    judged?: (record: ScenarioRecord) => void;
  },
): Promise<Attempt> {
  const max = scenario.probe.rate ?? target.defaultRate;
  const flows = planFlows(lab.model, { ...scenario.probe, rate: max }).length;
  const run = async (rate: number, note?: string) => {
    const record = await runScenario(target, scenario, {
      clock: options.clock,
      rate,
      progress: options.progress,
      ...(calibration ? { calibration } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    options.judged?.(record);
    const attempt = toAttempt(record, judgeScenario(scenario.expect, record), lab.model);
    return note ? { ...attempt, rateNote: note } : attempt;
  };
  if (!calibration) return run(max);
  const rate = chooseRate(calibration, flows, max);
  const first = await run(rate, rateNote(calibration, rate, max, flows));
  const reasons = [
    ...(first.unfit ?? []),
    ...first.results.filter((r) => r.verdict === 'inconclusive').map((r) => `${r.id}: ${r.inconclusive}`),
  ];
  if (!reasons.length || first.verdict === 'fail') return first;
  const lower = rerunRate(rate);
  const unmeasured = `not measurable at ${rate} pps per flow (${reasons.join('; ')})`;
  if (lower === undefined) {
    options.progress(`${unmeasured}; the lowest rate, so no second run`);
    return first;
  }
  options.progress(`${unmeasured}; once more at ${lower} after the lab settles`);
  try {
    await target.waitControlPlane({
      timeoutMs: settleTimeoutMs,
      clock: options.clock,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    // The re-run's own first step waits for convergence and reports what is wrong; here it only settles.
    if (!(e instanceof ReadinessError)) throw e;
  }
  const second = await run(
    lower,
    `${lower} pps per flow: half of the first run's ${rate}, which the lab could not measure`,
  );
  return { ...second, rerunOf: { rate, reasons } };
}

/**
 * The rate of a second run for an attempt the lab could not measure: half the first one's. None at the
 * lowest rate: the same probe on the same lab again would only repeat the first run.
 */
export function rerunRate(rate: number): number | undefined {
  const lower = Math.max(lowestRate, Math.floor(rate / 2));
  return lower < rate ? lower : undefined;
}

function rateNote(calibration: LabCalibration, rate: number, max: number, flows: number): string {
  const ceiling = ceilingText(calibration);
  if (rate >= max)
    return `${rate} pps per flow (${flows} flows): the scenario's maximum; the lab's ceiling is ${ceiling}`;
  if (calibration.ceilingPps === 0)
    return `${rate} pps per flow (${flows} flows): the lowest rate; the lab carried no rate tried without queueing`;
  return `${rate} pps per flow (${flows} flows): half the lab's ceiling of ${ceiling}, under the scenario's maximum of ${max}`;
}

/** An interrupted run, or one whose lab would not come up, keeps what it measured; other errors are bugs. */
export function settleRun(report: RunReport, error: unknown, signal?: AbortSignal): void {
  if (error instanceof InterruptedError || signal?.aborted) report.interrupted = true;
  else if (error instanceof PeerlabError && !(error instanceof InternalError)) report.error = error.message;
  else throw error;
}

/** Set when the run ended: passed when every scenario that should run ran and passed. */
export function finishRun(report: RunReport, expected: number): RunReport {
  report.finishedAt = new Date().toISOString();
  const complete = !report.interrupted && !report.error && report.scenarios.length === expected;
  report.counts = verdictCounts(report.scenarios);
  report.verdict = complete ? worstVerdict(report.scenarios.map((s) => s.verdict)) : 'fail';
  report.passed = report.verdict === 'pass';
  return report;
}

/**
 * Bring each topology the scenarios need up once, run its scenarios on it (each starts from a
 * converged lab: a scenario's own first step usually waits for it), and tear it down. An interrupted
 * run, or one whose lab would not come up, still returns what it measured, with `interrupted` or `error` set.
 */
export async function runSuite(loaded: LoadedScenario[], options: SuiteOptions): Promise<RunReport> {
  const clock = options.clock ?? systemClock;
  const progress = options.progress ?? (() => {});
  const report = newRunReport(options.runtime.kind, options.lag.kind);
  const byTopology = new Map<string, LoadedScenario[]>();
  for (const l of loaded) byTopology.set(l.scenario.topology, [...(byTopology.get(l.scenario.topology) ?? []), l]);
  try {
    for (const [topology, group] of byTopology) {
      const model = group[0]!.model;
      const name = `run-${model.name}`.slice(0, 31);
      progress(`${topology}: bringing lab ${name} up`);
      const began = clock.now();
      const lab: Lab = await startLab(model, {
        name,
        runtime: options.runtime,
        lag: options.lag,
        progress: (phase) => progress(`${name}: ${phase}`),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      report.labs.push({ topology, name, upMs: Math.round(clock.now() - began) });
      try {
        await runOnLab(
          lab,
          group.map((g) => g.scenario),
          report,
          {
            clock,
            progress,
            ...(options.repeat ? { repeat: options.repeat } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
          },
        );
      } finally {
        if (!options.keepLab) await lab.down();
      }
    }
  } catch (error) {
    settleRun(report, error, options.signal);
  }
  return finishRun(report, loaded.length);
}
