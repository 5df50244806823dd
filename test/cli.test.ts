import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import { peerlab } from './helpers/fixtures.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

test('peerlab check topologies/*.yaml passes (exit 0) with one row per rule', async (t) => {
  const run = await peerlab(
    'check',
    'topologies/maps-direct.yaml',
    'topologies/maps-ers.yaml',
    'topologies/maps-voice.yaml',
  );
  t.is(run.exitCode, 0, run.stderr);
  t.regex(run.stdout, /^R-BFD\s+pass\s+/m);
  t.regex(run.stdout, /^R-GEO-REDUNDANCY \[MUST: walkthroughs\]\s+pass/m);
  t.is(run.stdout.match(/^result: /gm)?.length, 3);
});

test('peerlab check exits 1 and names the broken rule', async (t) => {
  const run = await peerlab('check', 'test/fixtures/requirements/voice-no-bfd.yaml');
  t.is(run.exitCode, 1);
  t.regex(run.stdout, /^R-BFD\s+fail\s+/m);
  t.regex(run.stdout, /^\s+fail: a\/ic2: no BFD on a-pe2 \(required for T-VOICE\)$/m);
});

test('peerlab check --json is machine-readable', async (t) => {
  const run = await peerlab('check', '--json', 'test/fixtures/requirements/max-prefix-low.yaml');
  t.is(run.exitCode, 1);
  const [report] = JSON.parse(run.stdout);
  t.is(report.results.find((r: { rule: string }) => r.rule === 'R-MAX-PREFIX').status, 'fail');
});

test('a malformed topology: exit 2, file:line:col on stderr, no stack trace', async (t) => {
  const run = await peerlab('check', 'test/fixtures/malformed/unknown-key.yaml');
  t.is(run.exitCode, 2);
  t.is(run.stdout, '');
  t.regex(run.stderr, /^peerlab: test\/fixtures\/malformed\/unknown-key\.yaml:15:56: .*unknown key "bandwith"/);
  t.notRegex(run.stderr, /\n\s+at /);
  t.is(run.stderr.trim().split('\n').length, 1);
});

test('an unknown command or option: exit 2 with help', async (t) => {
  const run = await peerlab('chek');
  t.is(run.exitCode, 2);
  t.regex(run.stderr, /unknown command 'chek'/);
});

for (const args of [[], ['check'], ['render'], ['topology'], ['topology', 'show']]) {
  test(`peerlab ${args.join(' ')} --help documents the command`, async (t) => {
    const run = await peerlab(...args, '--help');
    t.is(run.exitCode, 0);
    t.regex(run.stdout, /^Usage: peerlab/m);
  });
}

test('peerlab render --validate writes every node config and lab.json, all valid', async (t) => {
  const out = await tempDir(t, 'render');
  const run = await peerlab('render', 'topologies/maps-voice.yaml', '--out', out, '--validate');
  t.is(run.exitCode, 0, run.stdout + run.stderr);
  t.deepEqual((await readdir(join(out, 'ams-pe1'))).sort(), ['bird.conf', 'contract.json', 'contract.txt']);
  t.deepEqual((await readdir(join(out, 'ams-msee1'))).sort(), ['frr.conf']);
  t.true((await readdir(out)).includes('lab.json'));
  t.is(run.stdout.match(/^valid /gm)?.length, 11);
});

test('peerlab topology show prints nodes, links and sessions; --json the model', async (t) => {
  const run = await peerlab('topology', 'show', 'topologies/maps-ers.yaml');
  t.is(run.exitCode, 0);
  t.regex(run.stdout, /^ixp-rs\s+route-server\s+bird\s+AS64502/m);
  t.regex(run.stdout, /^lon\/ic1\/m2\s+lon-pe1:lon-ic1-m2\s+lon-msee1:lon-ic1-m2$/m);
  t.regex(
    run.stdout,
    /^lon\/ic1\s+interconnect\s+lon-pe1 192\.0\.2\.129 AS64502\s+lon-msee1 192\.0\.2\.128 AS8075\s+300ms x3$/m,
  );
  const json = await peerlab('topology', 'show', '--json', 'topologies/maps-ers.yaml');
  t.is(JSON.parse(json.stdout).interconnects.length, 4);
});

test('a missing tool is an environment error naming the package to install (exit 69), not an internal error', async (t) => {
  const dir = await tempDir(t, 'no-tools');
  // An empty PATH: neither vtysh nor bird can be found, as on a host without FRR and BIRD.
  const result = await execa(
    process.execPath,
    [join(root, 'bin', 'peerlab.js'), 'render', '--validate', 'topologies/maps-voice.yaml', '--out', dir],
    {
      cwd: root,
      reject: false,
      stdin: 'ignore',
      env: { PATH: dir },
      extendEnv: false,
    },
  );
  t.is(result.exitCode, 69, result.stderr);
  t.regex(
    result.stderr,
    /^peerlab: (vtysh|bird) is not installed on this host: install the Debian package (frr|bird2)/m,
  );
  t.notRegex(result.stderr, /internal error|\n\s+at /);
});

test('an output folder that cannot be one is exit 2 before any work: empty, a file, a kernel filesystem', async (t) => {
  for (const [out, message] of [
    ['', /--out names no folder/],
    ['package.json', /--out package\.json: it is a file, not a folder/],
    ['/proc/peerlab', /is in a kernel filesystem/],
  ] as const) {
    const run = await peerlab('render', 'topologies/maps-voice.yaml', '--out', out);
    t.is(run.exitCode, 2, out);
    t.regex(run.stderr, message);
    t.notRegex(run.stderr, /\n\s+at /, 'no stack trace');
  }
  const fifo = await peerlab('check', '/dev/zero');
  t.is(fifo.exitCode, 2);
  t.regex(fifo.stderr, /\/dev\/zero is not a regular file/);
});
