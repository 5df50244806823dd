// npm run bench:stability [-- --runs 5 --runtime docker scenarios/...]
// Runs the reference suite (or the scenarios named) N times, each time on fresh labs (`peerlab run` as a
// user runs it), then reports per scenario how many runs passed, every expectation whose verdict flipped
// (with what each run measured), the spread of each figure and the warnings seen. Writes
// reports/stability-<time>/: run-<i>/ (each run's reports), stability.md and stability.json.
import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readRunReport } from '../src/report/write.js';
import { renderStability, stabilityOf } from '../src/report/stability.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '5' }, runtime: { type: 'string', default: 'docker' } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number >= 1 (got ${values.runs})`);
const scenarios = positionals.length ? positionals : ['scenarios/'];
const out = join('reports', `stability-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z')}`);
await mkdir(out, { recursive: true });

// A signal goes to the peerlab run in progress (it reverts its fault and tears its lab down), then we stop.
let current: ReturnType<typeof execa> | undefined;
let stopped = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => {
    stopped = true;
    current?.kill('SIGINT');
  });

const reports = [];
for (let i = 1; i <= runs && !stopped; i++) {
  const dir = join(out, `run-${i}`);
  const started = performance.now();
  // Exit 1 is a failed expectation: that is data here. Anything else stops the benchmark.
  current = execa('./bin/peerlab.js', ['run', ...scenarios, '--runtime', values.runtime!, '--report-dir', dir], {
    reject: false,
    stdin: 'ignore',
    stdout: 'inherit',
    stderr: 'inherit',
  });
  const run = await current;
  if (stopped) {
    console.error(
      `stability: interrupted during run ${i}; its lab was torn down by peerlab run (exit ${run.exitCode})`,
    );
    process.exit(130);
  }
  if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`run ${i} exited ${run.exitCode}`);
  console.log(
    `stability: run ${i}/${runs} exit ${run.exitCode} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  reports.push(await readRunReport(join(dir, 'run.json')));
}
const stability = stabilityOf(reports);
await writeFile(join(out, 'stability.json'), JSON.stringify(stability, null, 2));
await writeFile(join(out, 'stability.md'), renderStability(stability));
console.log(renderStability(stability));
console.log(`stability: ${out}/stability.md`);
