import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { InputError } from '../src/errors.js';
import { scenarioFiles } from '../src/cli/run.js';
import { loadScenario } from '../src/scenario/load.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

test('every reference scenario loads and binds to its topology', async (t) => {
  const files = await scenarioFiles([join(root, 'scenarios')]);
  t.true(files.length >= 8);
  const covered = new Set<string>();
  for (const file of files) {
    const { scenario } = await loadScenario(file);
    t.true(scenario.expect.length > 0, file);
    scenario.covers.forEach((c) => covered.add(c));
  }
  for (const id of [
    'E-LAG-MEMBER',
    'E-ACTIVE-ACTIVE',
    'E-SILENT',
    'E-ROUTER',
    'E-GEO',
    'E-INTERNET',
    'E-RESTORE',
    'E-POLICY',
  ])
    t.true(covered.has(id), `${id} is covered`);
  // Scenarios meant to fail at run time (broken topologies, impossible bounds) still load.
  for (const file of await scenarioFiles([join(root, 'test/fixtures/scenarios')]))
    await t.notThrowsAsync(loadScenario(file), file);
});

async function scenarioError(t: ExecutionContext, body: string): Promise<string> {
  const dir = await tempDir(t, 'scenario');
  const file = join(dir, 'bad.yaml');
  const topology = relative(dir, join(root, 'topologies/maps-voice.yaml'));
  await writeFile(file, `topology: ${topology}\ncovers: [E-GEO]\n${body}`);
  const error = await loadScenario(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof InputError)) throw new Error(`expected an InputError, got ${String(error)}`);
  return error.message.replace(file, 'bad.yaml');
}

const oneStep = (step: string, expect = '  - loss: { max-loss: 1s }') => `steps:\n${step}\nexpect:\n${expect}\n`;

test('a scenario with an unknown key names it, where it is and the allowed keys', async (t) => {
  t.regex(
    await scenarioError(t, oneStep('  - wait: converged\n    timout: 3s')),
    /^bad\.yaml:5:5: steps\.0: unknown key "timout"; allowed keys: wait, timeout, fault, as, revert/,
  );
});

test('a fault aimed at nothing lists the valid targets at the fault', async (t) => {
  t.regex(
    await scenarioError(t, oneStep('  - fault: link-blackhole ams/ic9')),
    /^bad\.yaml:4:\d+: steps\.0\.fault: unknown fault target "ams\/ic9"; valid targets: ams\/ic1, /,
  );
  t.regex(
    await scenarioError(t, oneStep('  - fault: link-down ams/ic1')),
    /unknown fault kind "link-down"; one of member-down, /,
  );
  t.regex(await scenarioError(t, oneStep('  - fault: member-down ams/ic1')), /member-down takes a member target/);
});

test('a delay fault binds its options, and refuses them out of range or on another kind, at the fault', async (t) => {
  const dir = await tempDir(t, 'scenario-delay');
  const file = join(dir, 'delay.yaml');
  await writeFile(
    file,
    `topology: ${relative(dir, join(root, 'topologies/maps-voice.yaml'))}\ncovers: [E-SILENT]\n${oneStep('  - fault: { kind: delay, target: ams/ic1, delay: 40ms, jitter: 10ms, reorder: 25 }')}`,
  );
  const { scenario } = await loadScenario(file);
  t.deepEqual((scenario.steps[0] as { fault: unknown }).fault, {
    kind: 'delay',
    target: 'ams/ic1',
    options: { delay: '40ms', jitter: '10ms', reorder: 25 },
  });
  t.regex(
    await scenarioError(t, oneStep('  - fault: { kind: delay, target: ams/ic1, delay: 10ms, jitter: 20ms }')),
    /^bad\.yaml:4:\d+: steps\.0\.fault: delay: the jitter \(ms\), at most the delay, must be a whole number from 0 to 10 \(got 20\)/,
  );
  t.regex(
    await scenarioError(t, oneStep('  - fault: { kind: lag-down, target: ams/ic1, delay: 10ms }')),
    /^bad\.yaml:4:\d+: steps\.0\.fault\.delay: lag-down takes no options, not "delay"/,
  );
});

test('careless steps are refused at their position before any lab: duplicate names, double reverts, flaps, hosts, timers, empty strings', async (t) => {
  const f = '  - fault: link-blackhole ams/ic1\n    as: f1';
  const cases: [string, RegExp][] = [
    [`${f}\n${f}`, /steps\.1\.as: a fault named "f1" is already applied; revert it first/],
    [`${f}\n  - revert: f1\n  - revert: f1`, /steps\.2\.revert: no fault named "f1" is applied before this step/],
    ['  - revert: all', /"revert: all" with no fault applied/],
    [
      '  - flap: lag-down ams/ic1\n    count: 2\n    period: 1s\n    down: 10s',
      /steps\.0\.down: each failure \(down 10000 ms\) must be shorter than the period \(1000 ms\)/,
    ],
    ['  - hold: 2147484', /steps\.0\.hold: a duration of at most 24h \(86400000 ms\) is allowed; got 2147484000 ms/],
    ['  - hold: 1e308', /steps\.0\.hold: a duration of at most 24h/],
    ['  - mark: m\n  - mark: m', /steps\.1\.mark: a mark named "m" comes earlier/],
    ['  - fault: ""', /steps\.0\.fault: a fault is written "<kind> <target>"/],
    ['  - revert: ""', /steps\.0\.revert: no fault named "" is applied/],
  ];
  for (const [step, pattern] of cases) t.regex(await scenarioError(t, oneStep(step)), pattern, step);
  t.regex(
    await scenarioError(t, `probe: { hosts: [nobody] }\n${oneStep('  - hold: 1s')}`),
    /^bad\.yaml:3:\d+: probe\.hosts\.0: unknown host "nobody"; hosts: /,
  );
});

test('a scenario whose topology is not a topology never shows that file in the error', async (t) => {
  const dir = await tempDir(t, 'scenario-passwd');
  const file = join(dir, 'bad.yaml');
  await writeFile(join(dir, 'secret.txt'), 'root:x:0:0:root:/root:/bin/bash\n');
  await writeFile(file, `topology: ${join(dir, 'secret.txt')}\ncovers: [E-GEO]\n${oneStep('  - hold: 1s')}`);
  const error = await loadScenario(file).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  t.true(error instanceof InputError);
  t.regex(error!.message, /secret\.txt:1:1: \(top level\): expected a mapping of keys, got a string/);
  t.notRegex(error!.message, /root:x/);
});

test('steps and expectations that do not fit together are refused', async (t) => {
  t.regex(await scenarioError(t, oneStep('  - revert: flaky')), /steps\.0\.revert: no fault named "flaky"/);
  t.regex(
    await scenarioError(t, oneStep('  - hold: 3s\n    mark: x')),
    /a step has exactly one of wait, fault, revert, hold, flap, mark \(found hold, mark\)/,
  );
  t.regex(
    await scenarioError(
      t,
      oneStep('  - hold: 3s', '  - state: { at: during, node: ams-pe1, session: ams/ic1, bgp: down }'),
    ),
    /expect\.0\.state\.at: no mark step named "during"; marks: \(none\)/,
  );
  t.regex(
    await scenarioError(t, oneStep('  - mark: m', '  - state: { at: m, node: ams-pe1, session: fra/ic1, bgp: down }')),
    /interconnect fra\/ic1 joins fra-pe1 and fra-msee1, not ams-pe1/,
  );
  t.regex(
    await scenarioError(t, oneStep('  - hold: 1', '  - path: { phase: during, via: metro:lon }')),
    /unknown path "metro:lon"/,
  );
  t.regex(await scenarioError(t, oneStep('  - hold: 1', '  - restore: { within: 10s }')), /"wait: restored" step/);
  t.regex(
    await scenarioError(t, oneStep('  - hold: 1', '  - covers: [E-NOPE]\n    loss: { zero: true }')),
    /"E-NOPE" is not an ID of the spec/,
  );
  t.regex(await scenarioError(t, oneStep('  - hold: soon')), /steps\.0\.hold: must be a duration/);
  t.regex(
    await scenarioError(t, oneStep('  - mark: m', '  - state: { at: m, node: fra-pe1, rejected: [203.0.113.0/26] }')),
    /expect\.0\.state\.node: rejected is the Microsoft edge's import policy: name an edge router/,
  );
});

test('E-POLICY: each rejected prefix names the rule of the edge policy that refuses it, on every type', async (t) => {
  const rules = async (file: string) => {
    const { scenario } = await loadScenario(join(root, file));
    const state = scenario.expect.find((e) => e.id === 'edge-enforces-policy')!;
    if (state.kind !== 'state') throw new Error('not a state expectation');
    return Object.fromEntries((state.rejected ?? []).map((r) => [r.prefix, r.rules]));
  };
  t.deepEqual(await rules('scenarios/voice-policy.yaml'), {
    '203.0.113.64/26': ['R-COMMUNITY'],
    '203.0.113.128/26': ['R-NO-PRIVATE-ASN-IN-PATH'],
    '203.0.113.192/27': ['R-ASPATH-SMALL-PREFIX'],
  });
  t.deepEqual(await rules('scenarios/direct-policy.yaml'), {
    '203.0.113.128/26': ['R-COMMUNITY'],
    '203.0.113.192/27': ['R-NO-PRIVATE-ASN-IN-PATH'],
    '203.0.113.224/27': ['R-ASPATH-SMALL-PREFIX'],
  });
  t.deepEqual(await rules('scenarios/ers-policy.yaml'), {
    '203.0.113.128/26': ['R-ORIGIN-ASN-REGISTERED'],
    '203.0.113.192/27': ['R-NO-PRIVATE-ASN-IN-PATH'],
    '203.0.113.224/27': ['R-ASPATH-SMALL-PREFIX'],
  });
});
