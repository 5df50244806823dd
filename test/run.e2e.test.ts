import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import type { RunReport } from '../src/scenario/results.js';
import { leftovers, removeStale } from './helpers/labs.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

// The reference suite as a user runs it, plus scenarios that must fail: a bound no network can meet,
// and topologies broken against the requirements (each must fail its scenario, not pass by accident).
const impossible = 'test/fixtures/scenarios/impossible-zero-loss.yaml';
const broken = {
  'test/fixtures/scenarios/broken-primary-backup.yaml': 'both-carry',
  'test/fixtures/scenarios/broken-no-transit.yaml': 'via-transit',
  'test/fixtures/scenarios/broken-single-metro.yaml': 'geo-failover',
};
const mustFail = [impossible, ...Object.keys(broken)];
/**
 * The T-VOICE reference scenario whose failure certify's failure matrix does not run (certify.e2e and the
 * guest run that matrix on a voice topology: member, interconnect, router and metro failures, flaps, the
 * internet fallback): the edge's import policy. A lossy interconnect is faults.e2e's (nft) and the guest's
 * (netem). The whole suite, every type, is the main job's (`bash scripts/main.sh`); here it would double
 * the suite's wall time.
 */
const reference = async () =>
  (await readdir(join(root, 'scenarios'))).filter((f) => ['voice-policy.yaml'].includes(f)).sort();

test.serial(
  'peerlab run in two shards, merged: the T-VOICE reference scenario the failure matrix does not run passes; an impossible bound and broken topologies fail with exit 1 and measured vs expected',
  async (t) => {
    t.timeout(1_500_000);
    const dir = await tempDir(t, 'run');
    // `peerlab run` names its labs run-<topology>: what a killed earlier run left there would stop it.
    const stale = await removeStale('run-');
    if (stale.length) t.log(`removed labs a killed earlier run left: ${stale.join(', ')}`);
    // As a CI matrix runs it: each shard brings up whole topologies, then one report of both.
    const shards = [];
    for (const shard of ['1/2', '2/2']) {
      const out = join(dir, `shard-${shard[0]}`);
      const run = await execa(
        `${root}/bin/peerlab.js`,
        [
          'run',
          ...(await reference()).map((f) => `scenarios/${f}`),
          ...mustFail,
          '--shard',
          shard,
          '--report-dir',
          out,
        ],
        { cwd: root, reject: false },
      );
      t.log(run.stdout);
      t.true([0, 1].includes(run.exitCode ?? -1), run.stderr.slice(-2000));
      shards.push(JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as RunReport);
    }
    const [one, two] = shards.map((r) => new Set(r.labs.map((l) => l.topology)));
    t.true(one!.size > 0 && two!.size > 0, 'both shards ran labs');
    t.deepEqual(
      [...one!].filter((x) => two!.has(x)),
      [],
      'each topology came up on one shard only',
    );
    const merge = await execa(
      `${root}/bin/peerlab.js`,
      ['report', 'merge', join(dir, 'shard-1/run.json'), join(dir, 'shard-2/run.json'), '--out', dir],
      { cwd: root, reject: false },
    );
    t.is(merge.exitCode, 1, `${merge.stdout}${merge.stderr}`);
    const report = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunReport;
    const files = await reference();
    t.is(files.length, 1, 'the policy scenario');
    t.is(report.scenarios.length, files.length + mustFail.length, 'the merged report has every scenario once');
    t.is(report.labs.length, shards[0]!.labs.length + shards[1]!.labs.length);
    t.true(
      report.labs.every((l) => (l.calibration?.steps.length ?? 0) > 0),
      'every lab measured its own headroom and carrier chain before its scenarios',
    );
    // The reference suite never FAILs: a scenario passes, or the lab says why it could not measure it.
    for (const s of report.scenarios.filter((x) => !mustFail.includes(x.file))) {
      const failed = s.attempts.flatMap((a) => [
        ...(a.error ? [a.error] : []),
        ...a.results
          .filter((r) => r.verdict === 'fail')
          .map((r) => `${r.id}: expected ${r.expected}; measured ${r.measured}`),
      ]);
      t.true(s.attempts.length === 1 && !s.attempts[0]!.error, `${s.name} ran to the end`);
      t.not(s.verdict, 'fail', `${s.name}: ${failed.join(' | ')}`);
      for (const r of s.attempts[0]!.results.filter((x) => x.verdict === 'inconclusive')) {
        t.log(`${s.name}/${r.id} inconclusive: ${r.inconclusive}`);
        t.truthy(r.inconclusive, `${s.name}/${r.id} says why it is inconclusive`);
      }
      const dead = s.attempts[0]!.warnings.filter((w) => w.includes('delivered nothing'));
      t.deepEqual(dead, [], `${s.name}: every flow was carried before the first fault`);
    }
    t.log(`reference suite: ${JSON.stringify(report.counts)}`);
    const bad = report.scenarios.find((x) => x.file === impossible)!;
    t.is(bad.verdict, 'fail');
    const [result] = bad.attempts[0]!.results;
    t.regex(result!.measured, /^worst .*: [1-9]\d* lost/);
    t.regex(
      await readFile(join(dir, 'report.md'), 'utf8'),
      /\| no-loss-at-all \| {2}\| \*\*FAIL\*\* \| no packet lost \(whole run, \d+ flows\) \| worst /,
    );
    t.regex(
      await readFile(join(dir, 'junit.xml'), 'utf8'),
      /<failure message="expected no packet lost \(whole run, \d+ flows\); measured worst /,
    );
    for (const [file, id] of Object.entries(broken)) {
      const result = report.scenarios.find((x) => x.file === file)?.attempts[0]?.results.find((r) => r.id === id);
      t.is(
        result?.verdict,
        'fail',
        `${file}: ${id} must fail (measured ${result?.measured}; ${result?.inconclusive ?? ''})`,
      );
    }
    for (const lab of report.labs) t.deepEqual(await leftovers(lab.name), [], `${lab.name} left nothing behind`);

    // The HTML report in a real browser: no console errors, and the failing scenario's chart draws its outages.
    const html = `file://${join(dir, 'report.html')}`;
    const shot = join(dir, 'report.png');
    const chrome = (args: string[]) =>
      execa(
        'chromium',
        ['--headless', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', '--v=0', ...args, html],
        {
          reject: false,
          timeout: 120_000,
        },
      );
    const dom = await chrome(['--dump-dom']);
    // The control: a page that does log is seen logging, so the absence below means something.
    const noisy = join(dir, 'noisy.html');
    await writeFile(noisy, '<script>console.error("peerlab control")</script>');
    const control = await execa(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--enable-logging=stderr',
        '--v=0',
        '--dump-dom',
        `file://${noisy}`,
      ],
      { reject: false, timeout: 120_000 },
    );
    t.regex(control.stderr, /:CONSOLE[^\n]*peerlab control/, 'console messages are visible in this log');
    t.notRegex(dom.stderr, /:CONSOLE/, 'no console messages');
    t.regex(
      dom.stdout,
      /<section id="impossible-zero-loss">[\s\S]*?<svg role="img" aria-label="timeline"[\s\S]*?fill="#d32f2f"><title>[^<]*outage of/,
    );
    await chrome([`--screenshot=${shot}`, '--window-size=1200,4000']);
    t.true((await stat(shot)).size > 50_000, 'a screenshot with content');
    t.log(`screenshot: ${shot}`);
  },
);

test.serial(
  'peerlab run --repeat 3: three judged runs of a scenario and min/median/p95/max of its figures',
  async (t) => {
    t.timeout(600_000);
    const dir = await tempDir(t, 'repeat');
    const run = await execa(
      `${root}/bin/peerlab.js`,
      ['run', 'scenarios/direct-gray-failure.yaml', '--repeat', '3', '--report-dir', dir],
      { cwd: root, reject: false },
    );
    t.true([0, 3].includes(run.exitCode ?? -1), run.stdout.slice(-3000));
    const report = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunReport;
    const [scenario] = report.scenarios;
    t.is(scenario!.attempts.length, 3);
    t.true(
      scenario!.attempts.every((a) => a.verdict !== 'fail'),
      scenario!.attempts.map((a) => a.verdict).join(', '),
    );
    const byName = new Map(scenario!.figures.map((f) => [f.name, f]));
    for (const name of ['worst loss-derived convergence', 'longest outage', 'restore']) {
      const f = byName.get(name);
      t.is(f?.samples, 3, name);
      t.true(f!.min <= f!.median && f!.median <= f!.p95 && f!.p95 <= f!.max, `${name} ordered`);
    }
    // BFD 300 ms x 3 detects the gray failure: a flow hashed onto it loses about 900 ms, never seconds.
    // A protocol bound, judged only where the lab could measure it (every run passed).
    const loss = byName.get('worst loss-derived convergence')!;
    if (scenario!.attempts.every((a) => a.verdict === 'pass'))
      t.true(loss.max < 2000, `loss-derived ${loss.min}-${loss.max} ms`);
    else t.log(`not every run could be measured here: loss-derived ${loss.min}-${loss.max} ms not judged`);
    t.regex(await readFile(join(dir, 'report.md'), 'utf8'), /\| restore \| \d+ \| \d+ \| \d+ \| \d+ \| 3 \|/);
    for (const lab of report.labs) t.deepEqual(await leftovers(lab.name), [], `${lab.name} left nothing behind`);
  },
);
