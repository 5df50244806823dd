import type { Command } from 'commander';
import { checkRequirements } from '../requirements/check.js';
import { formatCheckReport } from '../requirements/format.js';
import { loadTopology } from '../topology/load.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('evaluate the statically checkable requirements (R-*) of each topology')
    .argument('<topology...>', 'topology YAML files')
    .option('--json', 'print the results as JSON')
    .action(async (files: string[], options: { json?: boolean }) => {
      const reports = [];
      for (const file of files) reports.push(checkRequirements(await loadTopology(file)));
      if (options.json) console.log(JSON.stringify(reports, null, 2));
      else console.log(reports.map(formatCheckReport).join('\n\n'));
      if (reports.some((r) => r.status === 'fail')) process.exitCode = 1;
    });
}
