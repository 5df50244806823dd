import type { Command } from 'commander';
import { InterruptedError } from '../errors.js';
import { checkRequirements } from '../requirements/check.js';
import { formatCheckReport } from '../requirements/format.js';
import { sandboxRouters } from '../sandbox/for-check.js';
import { loadTopology } from '../topology/load.js';
import { onInterrupt } from './signals.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      "evaluate the statically checkable requirements (R-*) of each topology; a partner router's own config is run by its own daemon in a sandbox where this host can",
    )
    .argument('<topology...>', 'topology YAML files')
    .option('--json', 'print the results as JSON')
    .option('--no-sandbox', 'judge partner configs by reading their files only (no daemon runs)')
    .action(async (files: string[], options: { json?: boolean; sandbox: boolean }) => {
      await using interrupt = onInterrupt(() => new InterruptedError('interrupted; the sandbox was torn down'));
      const reports = [];
      for (const file of files) {
        const model = await loadTopology(file);
        const runs = options.sandbox
          ? await sandboxRouters(model, { signal: interrupt.signal })
          : { evidence: new Map(), notes: [] };
        reports.push({
          ...checkRequirements(model, runs.evidence),
          sandbox: { notes: runs.notes, evidence: [...runs.evidence.values()] },
        });
      }
      if (options.json) console.log(JSON.stringify(reports, null, 2));
      else
        console.log(
          reports
            .map((r) => [formatCheckReport(r), ...r.sandbox.notes.map((n) => `partner config ${n}`)].join('\n'))
            .join('\n\n'),
        );
      if (reports.some((r) => r.status === 'fail')) process.exitCode = 1;
      // A sandbox that could not settle on a busy host: nothing failed, something could not be told.
      else if (reports.some((r) => r.status === 'inconclusive')) process.exitCode = 3;
    });
}
