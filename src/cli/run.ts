import { rmdir } from 'node:fs/promises';
import { labDir } from '../runtime/identity.js';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError, InterruptedError } from '../errors.js';
import { prepareRuntime } from '../lab/image.js';
import { lagDriverChoices, selectLagDriver } from '../lab/lag/registry.js';
import { attachLab } from '../lab/open.js';
import { waitConverged } from '../lab/converge.js';
import { refuseStaleFaults } from '../lab/fault-records.js';
import { writeReports } from '../report/write.js';
import { createRuntime, runtimeKinds } from '../runtime/select.js';
import { loadScenario, type LoadedScenario } from '../scenario/load.js';
import { countsLine, verdictExitCode, verdictLabel, type RunReport } from '../scenario/results.js';
import { describeCalibration } from '../scenario/calibrate.js';
import type { LagDriver } from '../lab/lag/types.js';
import type { Runtime } from '../runtime/types.js';
import { parseShard, shardScenarios } from '../scenario/shard.js';
import { finishRun, newRunReport, runOnLab, runSuite, settleRun } from '../scenario/suite.js';
import { oneOf, outputFolder, yamlFiles } from './options.js';
import { progressPrinter } from './progress.js';
import { onInterrupt } from './signals.js';
import { when } from '../util/fs-errors.js';

/** Scenario files named on the command line: files as given, folders as their *.yaml, sorted. */
export const scenarioFiles = (args: string[]) => yamlFiles(args, 'scenario');

/** `--attach`: every scenario on one running lab of one topology, which stays running. */
async function runAttached(
  name: string,
  loaded: LoadedScenario[],
  runtime: Runtime,
  lag: LagDriver,
  options: { repeat: number; signal: AbortSignal; progress: (line: string) => void },
): Promise<RunReport> {
  const topologies = [...new Set(loaded.map((l) => l.scenario.topology))];
  if (topologies.length > 1)
    throw new InputError(`--attach runs scenarios of one topology on one lab; these name ${topologies.join(', ')}`);
  if (runtime.kind !== 'docker') throw new InputError('--attach finds containers: use it with --runtime docker');
  const report = newRunReport(runtime.kind, lag.kind);
  if (!loaded.length) return finishRun(report, 0);
  const lab = await attachLab(name, loaded[0]!.model, runtime, lag);
  await refuseStaleFaults(name);
  report.labs.push({ topology: topologies[0]!, name, upMs: 0 });
  options.progress(`attached to ${name}: ${lab.model.nodes.length} nodes found by their labels`);
  try {
    // As after peerlab up: scenarios start on a converged lab (another engine may have just deployed it).
    options.progress(`${name}: waiting for LACP, BFD, BGP and reachability`);
    await waitConverged(lab, { timeoutMs: 300_000, signal: options.signal });
    await runOnLab(
      lab,
      loaded.map((l) => l.scenario),
      report,
      options,
    );
  } catch (error) {
    settleRun(report, error, options.signal);
  } finally {
    // Not our lab: leave no folder of ours behind (one with a fault still recorded is not empty, and stays).
    await rmdir(labDir(name)).catch(when(['ENOENT', 'ENOTEMPTY'], undefined));
  }
  return finishRun(report, loaded.length);
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run scenarios on real labs (each topology brought up once) and write reports; exit 1 if an expectation fails',
    )
    .argument('<scenarios...>', 'scenario files or folders of them')
    .option('--runtime <runtime>', runtimeKinds.join(' | '), 'docker')
    .option('--lag-driver <driver>', lagDriverChoices.join(' | '), 'auto')
    .option('--repeat <n>', 'run each scenario n times; reports give min/median/p95/max', '1')
    .option('--report-dir <dir>', 'where to write the reports (default: reports/<time>)')
    .option('--keep-lab', 'leave the labs running afterwards')
    .option(
      '--attach <lab>',
      'run on a lab another engine deployed from peerlab export (containers found by their peerlab labels); never torn down',
    )
    .option(
      '--shard <K/N>',
      'run the K-th of N deterministic shares (whole topologies); merge with peerlab report merge',
    )
    .action(
      async (
        args: string[],
        options: {
          runtime: string;
          lagDriver: string;
          repeat: string;
          reportDir?: string;
          keepLab?: boolean;
          shard?: string;
          attach?: string;
        },
      ) => {
        const kind = oneOf('--runtime', options.runtime, runtimeKinds);
        const lagChoice = oneOf('--lag-driver', options.lagDriver, lagDriverChoices);
        const repeat = Number(options.repeat);
        if (!Number.isInteger(repeat) || repeat < 1)
          throw new InputError(`--repeat must be a whole number >= 1 (got "${options.repeat}")`);
        if (options.reportDir !== undefined) await outputFolder('--report-dir', options.reportDir);
        const shard = options.shard === undefined ? undefined : parseShard(options.shard);
        let loaded = [];
        for (const file of await scenarioFiles(args)) loaded.push(await loadScenario(file));
        const progress = progressPrinter();
        if (shard) {
          const all = loaded.length;
          loaded = shardScenarios(loaded, shard);
          const topologies = new Set(loaded.map((l) => l.scenario.topology));
          progress(
            `shard ${shard.index}/${shard.count}: ${loaded.length} of ${all} scenarios${topologies.size ? ` (${[...topologies].join(', ')})` : ''}`,
          );
        }
        const runtime = createRuntime(kind);
        await prepareRuntime(
          runtime,
          loaded.map((l) => l.model),
          { log: progress, images: !options.attach },
        );
        const lag = await selectLagDriver(lagChoice);
        await using interrupt = onInterrupt(
          () => new InterruptedError('interrupted; the labs were torn down'),
          () => progress('interrupted: reverting faults and tearing the labs down'),
        );
        const report = options.attach
          ? await runAttached(options.attach, loaded, runtime, lag, { repeat, signal: interrupt.signal, progress })
          : await runSuite(loaded, {
              runtime,
              lag,
              repeat,
              signal: interrupt.signal,
              progress,
              ...(options.keepLab ? { keepLab: true } : {}),
            });
        const dir = options.reportDir ?? join('reports', report.startedAt.replace(/[:.]/g, '').replace(/\d{3}Z$/, 'Z'));
        const files = await writeReports(report, dir);
        progress('done');
        for (const l of report.labs)
          if (l.calibration) for (const line of describeCalibration(l.calibration)) console.log(`${l.name}: ${line}`);
        for (const s of report.scenarios) {
          console.log(`${verdictLabel(s.verdict).padEnd(12)} ${s.name}`);
          // Every result that is not a pass: a failure with what was measured, an inconclusive one with why.
          for (const r of s.attempts.at(-1)?.results ?? []) {
            if (r.verdict === 'fail') console.log(`             FAIL ${r.id}: ${r.measured} (expected ${r.expected})`);
            if (r.verdict === 'inconclusive') console.log(`             inconclusive ${r.id}: ${r.inconclusive}`);
          }
        }
        console.log(countsLine(report.counts));
        console.log(`reports: ${files.join(', ')}`);
        if (report.interrupted) throw interrupt.signal.reason as Error;
        if (report.error) console.error(`the run stopped: ${report.error}`);
        process.exitCode = verdictExitCode(report.verdict);
      },
    );
}
