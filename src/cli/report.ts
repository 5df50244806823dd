import { countsLine, verdictExitCode } from '../scenario/results.js';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { mergeRunReports } from '../report/merge.js';
import { diffRuns, renderDiffMarkdown } from '../report/diff.js';
import { sideBySideMarkdown } from '../report/side-by-side.js';
import { InputError } from '../errors.js';
import { readRunReport, writeReports } from '../report/write.js';
import { outputFolder } from './options.js';

export function registerReport(program: Command): void {
  const report = program
    .command('report')
    .description('render report.md, report.html and junit.xml again from the run.json of a past run')
    .argument('[run.json]', 'a run.json written by peerlab run')
    .option('--out <dir>', 'where to write (default: next to run.json)')
    // `report merge ... --out DIR`: options after a subcommand's name are the subcommand's.
    .enablePositionalOptions()
    .action(async (file: string | undefined, options: { out?: string }) => {
      if (!file) return void report.help({ error: true });
      const run = await readRunReport(file);
      const files = await writeReports(run, options.out ?? dirname(file), { json: false });
      console.log(`wrote ${files.join(', ')}`);
    });
  report
    .command('merge')
    .description('merge the run.json of several runs (the shards of --shard K/N) into one report, all four formats')
    .argument('<run.json...>', 'run.json files, one per shard')
    .requiredOption('--out <dir>', 'where to write run.json, report.md, report.html and junit.xml')
    .action(async (files: string[], options: { out: string }) => {
      await outputFolder('--out', options.out);
      const runs = [];
      for (const file of files) runs.push({ file, report: await readRunReport(file) });
      const merged = mergeRunReports(runs);
      const written = await writeReports(merged, options.out);
      console.log(`merged ${files.length} runs: ${merged.scenarios.length} scenarios, ${countsLine(merged.counts)}`);
      console.log(`wrote ${written.join(', ')}`);
      process.exitCode = verdictExitCode(merged.verdict);
    });
  report
    .command('diff')
    .description(
      'compare two runs (a certification before and after a config change): verdicts that changed, figures that moved beyond their spread, new and missing rows; Markdown for a pull request; exit 1 when something regressed',
    )
    .argument('<old>', "the earlier run's run.json")
    .argument('<new>', "the later run's run.json")
    .option('--json', 'print the comparison as JSON')
    .action(async (oldFile: string, newFile: string, options: { json?: boolean }) => {
      const diff = diffRuns(
        { file: oldFile, report: await readRunReport(oldFile) },
        { file: newFile, report: await readRunReport(newFile) },
      );
      console.log(options.json ? JSON.stringify(diff, null, 2) : renderDiffMarkdown(diff).trimEnd());
      if (diff.regressed) process.exitCode = 1;
    });
  report
    .command('side-by-side')
    .description(
      "the same scenarios run on different labs (OVS on the host, kernel bonds in a guest), one Markdown table: each run's verdict, first reaction after the fault, worst loss and restore per scenario",
    )
    .argument('<run.json...>', 'two or more run.json files')
    .option('--labels <names>', "a comma-separated label per run (default: each run's runtime and LAG driver)")
    .action(async (files: string[], options: { labels?: string }) => {
      const labels = options.labels?.split(',').map((l) => l.trim());
      if (files.length < 2) throw new InputError('side-by-side compares two or more run.json files');
      if (labels && labels.length !== files.length)
        throw new InputError(`--labels names ${labels.length} runs for ${files.length} run.json files`);
      const runs = [];
      for (const [i, file] of files.entries()) {
        const run = await readRunReport(file);
        runs.push({ label: labels?.[i] ?? `${run.runtime}/${run.lag}`, report: run });
      }
      console.log(sideBySideMarkdown(runs).trimEnd());
    });
}
