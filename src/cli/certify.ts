import { verdictExitCode } from '../scenario/results.js';
import type { Command } from 'commander';
import { join } from 'node:path';
import { certify } from '../certify/certify.js';
import { certifyLevels, failureMatrix, onlyRows, selectRows } from '../certify/matrix.js';
import { formatMatrixPlan } from '../report/matrix.js';
import { InputError, InterruptedError } from '../errors.js';
import { prepareRuntime } from '../lab/image.js';
import { lagDriverChoices, selectLagDriver } from '../lab/lag/registry.js';
import { formatCertification } from '../report/certification.js';
import { writeReports } from '../report/write.js';
import { createRuntime, runtimeKinds } from '../runtime/select.js';
import { loadTopology } from '../topology/load.js';
import { oneOf, outputFolder } from './options.js';
import { progressPrinter } from './progress.js';
import { onInterrupt } from './signals.js';

export function registerCertify(program: Command): void {
  program
    .command('certify')
    .description(
      "certify the partner's own router configs: bring the lab up with them, judge every R-* from what the AS8075 edge and the running routers show, run the E-* scenarios of the topology's type, write the certification report; exit 1 if a row fails",
    )
    .argument('<topology>', 'topology file (its routers may name their own config:, nftables: and tc:)')
    .option('--runtime <runtime>', runtimeKinds.join(' | '), 'docker')
    .option('--lag-driver <driver>', lagDriverChoices.join(' | '), 'auto')
    .option('--out <dir>', 'where to write the report (default: reports/certify-<time>)')
    .option('--no-scenarios', 'judge the R-* rows only, without the E-* scenarios')
    .option('--name <lab>', 'lab name (default: cert-<topology name>)')
    .option('--converge-timeout <seconds>', 'how long to wait for convergence before judging what the lab shows', '150')
    .option(
      '--matrix <level>',
      `which failures: default (every single failure of a router with its own config, one of each elsewhere) | full (every element, every failure, two double failures) | reference (the type's six reference scenarios, quick)`,
      'default',
    )
    .option(
      '--only <rows>',
      "only these rows of the level, comma-separated: an element (metro, interconnect, member, router; it takes the ones under it), a failure, or a row's id as --plan prints it",
    )
    .option('--repeat <n>', "run each failure n times: each cell's figures become median, p95, max and spread", '1')
    .option(
      '--plan',
      "print the failure matrix's rows at --matrix's level with their detection budgets, and exit (nothing starts)",
    )
    .action(
      async (
        file: string,
        options: {
          runtime: string;
          lagDriver: string;
          out?: string;
          scenarios: boolean;
          name?: string;
          convergeTimeout: string;
          matrix: string;
          repeat: string;
          only?: string;
          plan?: boolean;
        },
      ) => {
        const kind = oneOf('--runtime', options.runtime, runtimeKinds);
        const level = oneOf('--matrix', options.matrix, certifyLevels);
        const repeat = Number(options.repeat);
        if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100)
          throw new InputError(`--repeat must be a whole number from 1 to 100 (got "${options.repeat}")`);
        const only = options.only?.split(',').map((term) => term.trim());
        if (only && (level === 'reference' || only.some((term) => !term)))
          throw new InputError(
            level === 'reference'
              ? '--only picks rows of a matrix level: --matrix default or full'
              : `--only takes comma-separated rows, none empty (got "${options.only}")`,
          );
        if (options.plan) {
          if (level === 'reference') throw new InputError('--plan lists a matrix level: --matrix default or full');
          const rows = failureMatrix(await loadTopology(file));
          const picked = selectRows(rows, level);
          return void console.log(formatMatrixPlan(rows, only ? onlyRows(rows, picked, only, level) : picked, level));
        }
        const lagChoice = oneOf('--lag-driver', options.lagDriver, lagDriverChoices);
        const timeout = Number(options.convergeTimeout);
        if (!Number.isFinite(timeout) || timeout < 1 || timeout > 3600)
          throw new InputError(
            `--converge-timeout must be a number of seconds from 1 to 3600 (got "${options.convergeTimeout}")`,
          );
        if (options.out !== undefined) await outputFolder('--out', options.out);
        const model = await loadTopology(file);
        const progress = progressPrinter();
        const runtime = createRuntime(kind);
        await prepareRuntime(runtime, [model], { log: progress });
        const lag = await selectLagDriver(lagChoice);
        const out =
          options.out ??
          join(
            'reports',
            `certify-${new Date()
              .toISOString()
              .replace(/[:.]/g, '')
              .replace(/\d{3}Z$/, 'Z')}`,
          );
        await using interrupt = onInterrupt(
          () => new InterruptedError('interrupted; the lab was torn down'),
          () => progress('interrupted: reverting faults and tearing the lab down'),
        );
        const report = await certify(file, {
          runtime,
          lag,
          out,
          scenarios: options.scenarios,
          matrix: level,
          repeat,
          ...(only ? { only } : {}),
          timeoutMs: timeout * 1000,
          signal: interrupt.signal,
          progress,
          ...(options.name ? { name: options.name } : {}),
        });
        const files = await writeReports(report, out);
        progress('done');
        console.log(formatCertification(report));
        console.log(`reports: ${files.join(', ')}`);
        if (report.interrupted) throw interrupt.signal.reason as Error;
        if (report.error) console.error(`the certification stopped: ${report.error}`);
        process.exitCode = verdictExitCode(report.verdict);
      },
    );
}
