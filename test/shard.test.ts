import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { scenarioFiles } from '../src/cli/run.js';
import { mergeRunReports } from '../src/report/merge.js';
import { loadScenario, type LoadedScenario } from '../src/scenario/load.js';
import { runSchema, type RunReport } from '../src/scenario/results.js';
import { parseShard, shardScenarios } from '../src/scenario/shard.js';
import { peerlab } from './helpers/fixtures.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

async function reference(): Promise<LoadedScenario[]> {
  const loaded = [];
  for (const file of await scenarioFiles([join(root, 'scenarios')])) loaded.push(await loadScenario(file));
  return loaded;
}

test('--shard K/N: every scenario on exactly one shard, each topology whole, the same shares in any order', async (t) => {
  const loaded = await reference();
  for (const count of [1, 2, 3, 4, 7, 10]) {
    const shards = Array.from({ length: count }, (_, i) => shardScenarios(loaded, { index: i + 1, count }));
    const files = shards.flat().map((l) => l.scenario.file);
    t.is(files.length, loaded.length, `${count} shards`);
    t.is(new Set(files).size, loaded.length, `${count} shards: no scenario twice`);
    const owner = new Map<string, number>();
    shards.forEach((s, i) =>
      s.forEach((l) => {
        t.is(owner.get(l.scenario.topology) ?? i, i, `${l.scenario.topology} on one shard`);
        owner.set(l.scenario.topology, i);
      }),
    );
    const reversed = shardScenarios([...loaded].reverse(), { index: 1, count });
    t.deepEqual(
      reversed.map((l) => l.scenario.file),
      shards[0]!.map((l) => l.scenario.file),
      'order of the files named does not matter',
    );
  }
  const two = [1, 2].map((index) => shardScenarios(loaded, { index, count: 2 }).length);
  t.true(Math.abs(two[0]! - two[1]!) <= 9, `balanced: ${two.join(' + ')}`);
  t.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  for (const bad of ['0/2', '3/2', '2', 'a/b', '1/0', '-1/2'])
    t.throws(() => parseShard(bad), { message: /--shard is K\/N with 1 <= K <= N/ }, bad);
});

const run = (file: string, scenarios: string[], passed = true): RunReport => ({
  schema: runSchema,
  startedAt: `2026-11-29T0${scenarios.length}:00:00.000Z`,
  finishedAt: `2026-11-29T0${scenarios.length}:30:00.000Z`,
  runtime: 'docker',
  lag: 'ovs',
  interrupted: false,
  labs: [{ topology: file, name: `run-${file}`, upMs: 1000 }],
  scenarios: scenarios.map((name) => ({
    name,
    file: `scenarios/${name}.yaml`,
    topology: file,
    covers: [],
    passed,
    verdict: passed ? ('pass' as const) : ('fail' as const),
    attempts: [],
    figures: [],
  })),
  passed,
  verdict: passed ? 'pass' : 'fail',
  counts: { pass: passed ? scenarios.length : 0, fail: passed ? 0 : scenarios.length, inconclusive: 0 },
});

test('report merge: every scenario and lab of each shard, earliest start, latest end, passed only if all passed', (t) => {
  const merged = mergeRunReports([
    { file: 'a/run.json', report: run('voice', ['voice-a', 'voice-b']) },
    { file: 'b/run.json', report: run('ers', ['ers-a'], false) },
  ]);
  t.deepEqual(
    merged.scenarios.map((s) => s.name),
    ['voice-a', 'voice-b', 'ers-a'],
  );
  t.is(merged.labs.length, 2);
  t.is(merged.startedAt, '2026-11-29T01:00:00.000Z');
  t.is(merged.finishedAt, '2026-11-29T02:30:00.000Z');
  t.false(merged.passed);
  t.throws(
    () =>
      mergeRunReports([
        { file: 'a/run.json', report: run('voice', ['voice-a']) },
        { file: 'b/run.json', report: run('voice', ['voice-a']) },
      ]),
    { message: /scenario voice-a \(scenarios\/voice-a\.yaml\) is in both a\/run\.json and b\/run\.json/ },
  );
});

test('peerlab report merge writes all four formats; a file that is not a run.json is exit 2', async (t) => {
  const dir = await tempDir(t, 'merge');
  await writeFile(join(dir, 'a.json'), JSON.stringify(run('voice', ['voice-a'])));
  await writeFile(join(dir, 'b.json'), JSON.stringify(run('ers', ['ers-a'])));
  const ok = await peerlab('report', 'merge', join(dir, 'a.json'), join(dir, 'b.json'), '--out', join(dir, 'out'));
  t.is(ok.exitCode, 0, ok.stderr);
  t.regex(ok.stdout, /merged 2 runs: 2 scenarios, 2 passed, 0 failed, 0 inconclusive/);
  for (const f of ['run.json', 'report.md', 'report.html', 'junit.xml']) t.regex(ok.stdout, new RegExp(`out/${f}`));
  await writeFile(join(dir, 'c.json'), '{"schema":"other"}');
  const bad = await peerlab('report', 'merge', join(dir, 'a.json'), join(dir, 'c.json'), '--out', join(dir, 'out2'));
  t.is(bad.exitCode, 2);
  t.regex(bad.stderr, /c\.json is not a peerlab run report of schema peerlab-run\/1/);
});

test('peerlab report diff: Markdown of what changed, exit 1 on a regression, 0 without, 2 on a file that is not a run.json', async (t) => {
  const dir = await tempDir(t, 'diff');
  await writeFile(join(dir, 'old.json'), JSON.stringify(run('voice', ['voice-a', 'voice-b'])));
  await writeFile(join(dir, 'new.json'), JSON.stringify(run('voice', ['voice-a', 'voice-b'], false)));
  const worse = await peerlab('report', 'diff', join(dir, 'old.json'), join(dir, 'new.json'));
  t.is(worse.exitCode, 1, worse.stderr);
  t.regex(worse.stdout, /^## peerlab: \*\*regressed\*\*/);
  t.regex(worse.stdout, /\| \*\*voice-a\*\* \| pass \| fail \|/);
  const same = await peerlab('report', 'diff', join(dir, 'old.json'), join(dir, 'old.json'), '--json');
  t.is(same.exitCode, 0, same.stderr);
  t.like(JSON.parse(same.stdout), { regressed: false, changed: [], added: [], missing: [] });
  await writeFile(join(dir, 'c.json'), '{"schema":"other"}');
  const bad = await peerlab('report', 'diff', join(dir, 'old.json'), join(dir, 'c.json'));
  t.is(bad.exitCode, 2);
  t.regex(bad.stderr, /c\.json is not a peerlab run report/);
});

test('peerlab validate: topologies and scenarios bound without a lab; a mistake is exit 2 at its position, the rest still read', async (t) => {
  const ok = await peerlab('validate', 'topologies', 'scenarios/voice-gray-failure.yaml');
  t.is(ok.exitCode, 0, ok.stderr);
  t.regex(ok.stdout, /ok {2}topologies\/maps-voice\.yaml: topology maps-voice \(voice\): 14 nodes, 4 interconnects/);
  t.regex(ok.stdout, /ok {2}scenarios\/voice-gray-failure\.yaml: scenario voice-gray-failure: 7 steps/);
  const bad = await peerlab('validate', 'test/fixtures/malformed/unknown-key.yaml', 'topologies/maps-ers.yaml');
  t.is(bad.exitCode, 2);
  t.regex(bad.stderr, /^test\/fixtures\/malformed\/unknown-key\.yaml:\d+:\d+: /m);
  t.regex(bad.stdout, /ok {2}topologies\/maps-ers\.yaml/);
  t.regex(bad.stderr, /1 of 2 files refused/);
});

test('the example CI workflows parse and call commands that exist, with their sharding options', async (t) => {
  const { parse } = await import('yaml');
  const { readFile } = await import('node:fs/promises');
  for (const file of ['examples/ci/github-actions.yml', 'examples/ci/gitlab-ci.yml']) {
    const text = await readFile(join(root, file), 'utf8');
    t.notThrows(() => parse(text), file);
    const calls = [...text.matchAll(/\.\/bin\/peerlab\.js (\w+)( \w+)?/g)].map((m) => m[1]);
    t.deepEqual([...new Set(calls)].sort(), ['report', 'run', 'validate'], file);
    t.regex(text, /--shard /, file);
    t.regex(text, /report merge /, file);
  }
});
