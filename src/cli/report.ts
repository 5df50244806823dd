import { dirname } from 'node:path';
import type { Command } from 'commander';
import { readRunReport, writeReports } from '../report/write.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render report.md, report.html and junit.xml again from the run.json of a past run')
    .argument('<run.json>', 'a run.json written by peerlab run')
    .option('--out <dir>', 'where to write (default: next to run.json)')
    .action(async (file: string, options: { out?: string }) => {
      const report = await readRunReport(file);
      const files = await writeReports(report, options.out ?? dirname(file), { json: false });
      console.log(`wrote ${files.join(', ')}`);
    });
}
