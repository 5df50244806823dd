import { InterruptedError, PeerlabError } from '../errors.js';
import type { Lab } from '../lab/lab.js';
import type { LagDriver } from '../lab/lag/types.js';
import { startLab } from '../lab/up.js';
import {
  runSchema,
  summarizeFigures,
  toAttempt,
  type Attempt,
  type RunReport,
  type ScenarioReport,
} from '../report/model.js';
import type { Runtime } from '../runtime/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { judgeScenario } from './expect.js';
import type { LoadedScenario } from './load.js';
import { runScenario } from './run.js';

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

/**
 * Bring each topology the scenarios need up once, run its scenarios on it (each starts from a
 * converged lab: a scenario's own first step usually waits for it), and tear it down. An interrupted
 * run, or one whose lab would not come up, still returns what it measured, with `interrupted` or `error` set.
 */
export async function runSuite(loaded: LoadedScenario[], options: SuiteOptions): Promise<RunReport> {
  const clock = options.clock ?? systemClock;
  const progress = options.progress ?? (() => {});
  const startedAt = new Date().toISOString();
  const report: RunReport = {
    schema: runSchema,
    startedAt,
    finishedAt: startedAt,
    runtime: options.runtime.kind,
    lag: options.lag.kind,
    interrupted: false,
    labs: [],
    scenarios: [],
    passed: false,
  };
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
        for (const { scenario } of group) {
          const entry: ScenarioReport = {
            name: scenario.name,
            file: scenario.file,
            topology,
            ...(scenario.description ? { description: scenario.description } : {}),
            covers: scenario.covers,
            passed: false,
            attempts: [],
            figures: [],
          };
          report.scenarios.push(entry);
          for (let i = 0; i < (options.repeat ?? 1); i++) {
            progress(`${scenario.name}${options.repeat && options.repeat > 1 ? ` (${i + 1}/${options.repeat})` : ''}`);
            const record = await runScenario(lab, scenario, {
              clock,
              ...(options.signal ? { signal: options.signal } : {}),
              progress: (step) => progress(`${scenario.name}: ${step}`),
            });
            const attempt: Attempt = toAttempt(record, judgeScenario(scenario.expect, record), model);
            entry.attempts.push(attempt);
            entry.passed = entry.attempts.every((a) => a.passed);
            entry.figures = summarizeFigures(entry.attempts);
            progress(`${scenario.name}: ${attempt.passed ? 'passed' : 'FAILED'}`);
          }
        }
      } finally {
        if (!options.keepLab) await lab.down();
      }
    }
  } catch (error) {
    if (error instanceof InterruptedError || options.signal?.aborted) report.interrupted = true;
    else if (error instanceof PeerlabError) report.error = error.message;
    else throw error;
  }
  report.finishedAt = new Date().toISOString();
  report.passed =
    !report.interrupted &&
    !report.error &&
    report.scenarios.length === loaded.length &&
    report.scenarios.every((s) => s.passed);
  return report;
}
