import { InterruptedError, PeerlabError } from '../errors.js';
import type { Lab } from '../lab/lab.js';
import type { LagDriver } from '../lab/lag/types.js';
import { startLab } from '../lab/up.js';
import type { Runtime } from '../runtime/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { judgeScenario } from './expectations/index.js';
import type { LoadedScenario } from './load.js';
import type { Scenario } from './model.js';
import {
  runSchema,
  summarizeFigures,
  toAttempt,
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
  };
}

export interface OnLabOptions {
  repeat?: number;
  signal?: AbortSignal;
  progress?: (line: string) => void;
  clock?: Clock;
}

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
  for (const scenario of scenarios) {
    const entry: ScenarioReport = {
      name: scenario.name,
      file: scenario.file,
      topology: scenario.topology,
      ...(scenario.description ? { description: scenario.description } : {}),
      covers: scenario.covers,
      passed: false,
      attempts: [],
      figures: [],
    };
    report.scenarios.push(entry);
    for (let i = 0; i < repeat; i++) {
      progress(`${scenario.name}${repeat > 1 ? ` (${i + 1}/${repeat})` : ''}`);
      const record = await runScenario(labTarget(lab), scenario, {
        clock,
        ...(options.signal ? { signal: options.signal } : {}),
        progress: (step) => progress(`${scenario.name}: ${step}`),
      });
      const attempt: Attempt = toAttempt(record, judgeScenario(scenario.expect, record), lab.model);
      entry.attempts.push(attempt);
      entry.passed = entry.attempts.every((a) => a.passed);
      entry.figures = summarizeFigures(entry.attempts);
      progress(`${scenario.name}: ${attempt.passed ? 'passed' : 'FAILED'}`);
    }
  }
}

/** An interrupted run, or one whose lab would not come up, keeps what it measured; other errors are bugs. */
export function settleRun(report: RunReport, error: unknown, signal?: AbortSignal): void {
  if (error instanceof InterruptedError || signal?.aborted) report.interrupted = true;
  else if (error instanceof PeerlabError) report.error = error.message;
  else throw error;
}

/** Set when the run ended: passed when every scenario that should run ran and passed. */
export function finishRun(report: RunReport, expected: number): RunReport {
  report.finishedAt = new Date().toISOString();
  report.passed =
    !report.interrupted &&
    !report.error &&
    report.scenarios.length === expected &&
    report.scenarios.every((s) => s.passed);
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
