import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError, InterruptedError } from '../errors.js';
import { buildImagesFor } from '../lab/image.js';
import { lagDriverChoices, selectLagDriver } from '../lab/lag/registry.js';
import { writeReports } from '../report/write.js';
import { DockerRuntime } from '../runtime/docker.js';
import { createRuntime, runtimeKinds } from '../runtime/select.js';
import { loadScenario } from '../scenario/load.js';
import { parseShard, shardScenarios } from '../scenario/shard.js';
import { runSuite } from '../scenario/suite.js';
import { oneOf } from './options.js';
import { progressPrinter } from './progress.js';
import { onInterrupt } from './signals.js';

/** Scenario files named on the command line: files as given, folders as their *.yaml, sorted. */
export async function scenarioFiles(args: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args) {
    const info = await stat(arg).catch(() => undefined);
    if (!info) throw new InputError(`no such scenario file or folder: ${arg}`);
    if (info.isDirectory())
      files.push(
        ...(await readdir(arg))
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(arg, f)),
      );
    else files.push(arg);
  }
  if (!files.length) throw new InputError(`no scenario files in ${args.join(', ')}`);
  return files;
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
        },
      ) => {
        const kind = oneOf('--runtime', options.runtime, runtimeKinds);
        const lagChoice = oneOf('--lag-driver', options.lagDriver, lagDriverChoices);
        const repeat = Number(options.repeat);
        if (!Number.isInteger(repeat) || repeat < 1)
          throw new InputError(`--repeat must be a whole number >= 1 (got "${options.repeat}")`);
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
        if (runtime instanceof DockerRuntime) {
          await runtime.ping();
          for (const { model } of loaded) await buildImagesFor(model, { log: progress });
        }
        const lag = await selectLagDriver(lagChoice);
        await using interrupt = onInterrupt(
          () => new InterruptedError('interrupted; the labs were torn down'),
          () => progress('interrupted: reverting faults and tearing the labs down'),
        );
        const report = await runSuite(loaded, {
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
        for (const s of report.scenarios) console.log(`${s.passed ? 'pass' : 'FAIL'}  ${s.name}`);
        console.log(`reports: ${files.join(', ')}`);
        if (report.interrupted) throw interrupt.signal.reason as Error;
        if (report.error) console.error(`the run stopped: ${report.error}`);
        if (!report.passed) process.exitCode = 1;
      },
    );
}
