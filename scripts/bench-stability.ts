// npm run bench:stability [-- --runs 5 --runtime docker --hog 1 --cpu-quota 50 scenarios/...]
// Runs the reference suite (or the scenarios named) N times, each time on fresh labs (`peerlab run` as a
// user runs it), then reports per scenario how many runs passed, every expectation whose verdict flipped
// (with what each run measured), the spread of each figure and the warnings seen. Writes
// reports/stability-<time>/: run-<i>/ (each run's reports), stability.md and stability.json.
// --hog N: N busy processes at normal priority compete the whole time (a noisy neighbour), killed by pid.
// --cpu-quota P: peerlab and everything it starts run in a cgroup held to P% of one core (a slower machine;
// netns runtime: Docker's containers live in Docker's own cgroups).
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readRunReport } from '../src/report/write.js';
import { renderStability, stabilityOf } from '../src/report/stability.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '5' },
    runtime: { type: 'string', default: 'docker' },
    hog: { type: 'string', default: '0' },
    'cpu-quota': { type: 'string' },
  },
});
const hogs = Number(values.hog);
const quota = values['cpu-quota'] === undefined ? undefined : Number(values['cpu-quota']);
if (quota !== undefined && !(quota > 0)) throw new Error(`--cpu-quota must be a percentage of one core > 0`);
if (quota !== undefined && values.runtime !== 'netns') throw new Error('--cpu-quota holds the netns runtime only');
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

/** A cgroup (v1 cpu controller, else v2) that holds what runs in it to `percent` of one core. */
async function quotaGroup(percent: number): Promise<string> {
  const v1 = '/sys/fs/cgroup/cpu';
  const name = `peerlab-bench-${process.pid}`;
  if (existsSync(`${v1}/cpu.cfs_quota_us`)) {
    const dir = `${v1}/${name}`;
    await mkdir(dir, { recursive: true });
    await writeFile(`${dir}/cpu.cfs_period_us`, '100000');
    await writeFile(`${dir}/cpu.cfs_quota_us`, String(Math.round(percent * 1000)));
    return dir;
  }
  const dir = `/sys/fs/cgroup/${name}`;
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/cpu.max`, `${Math.round(percent * 1000)} 100000`);
  return dir;
}
const group = quota === undefined ? undefined : await quotaGroup(quota);
const hogProcesses = Array.from({ length: hogs }, () =>
  execa('sh', ['-c', 'while :; do :; done'], { reject: false, stdin: 'ignore' }),
);
const stopHogs = () => {
  for (const h of hogProcesses) h.kill('SIGKILL');
};
process.on('exit', stopHogs);
if (hogs) console.log(`stability: ${hogs} CPU hog(s) running, pids ${hogProcesses.map((h) => h.pid).join(', ')}`);

const reports = [];
for (let i = 1; i <= runs && !stopped; i++) {
  const dir = join(out, `run-${i}`);
  const started = performance.now();
  // Exit 1 is a failed expectation: that is data here. Anything else stops the benchmark.
  const command = ['./bin/peerlab.js', 'run', ...scenarios, '--runtime', values.runtime!, '--report-dir', dir];
  // In the quota's cgroup: a shell that moves itself there, then becomes peerlab (no user text in it).
  const [file, ...args] = group ? ['sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', group, ...command] : command;
  current = execa(file!, args, { reject: false, stdin: 'ignore', stdout: 'inherit', stderr: 'inherit' });
  const run = await current;
  if (stopped) {
    console.error(
      `stability: interrupted during run ${i}; its lab was torn down by peerlab run (exit ${run.exitCode})`,
    );
    process.exit(130);
  }
  // Exit 1 (a failure) and 3 (inconclusive) are verdicts: data here.
  if (![0, 1, 3].includes(run.exitCode ?? -1)) throw new Error(`run ${i} exited ${run.exitCode}`);
  console.log(
    `stability: run ${i}/${runs} exit ${run.exitCode} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  reports.push(await readRunReport(join(dir, 'run.json')));
}
stopHogs();
if (group) await rmdir(group).catch(() => {});
const stability = stabilityOf(reports);
await writeFile(
  join(out, 'stability.json'),
  JSON.stringify({ hogs, cpuQuota: quota ?? null, runtime: values.runtime, ...stability }, null, 2),
);
await writeFile(join(out, 'stability.md'), renderStability(stability));
console.log(renderStability(stability));
console.log(`stability: ${out}/stability.md`);
