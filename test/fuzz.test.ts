import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import test from 'ava';
import { parse, stringify } from 'yaml';
import { validateConfig } from '../src/daemons/validate.js';
import { InputError } from '../src/errors.js';
import { renderLab } from '../src/render/render.js';
import { loadScenario } from '../src/scenario/load.js';
import { stateRoot } from '../src/runtime/identity.js';
import { loadTopology } from '../src/topology/load.js';
import type { LabModel } from '../src/topology/model.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

// Mutation fuzzing of the reference topologies and scenarios: each case changes one thing (a key removed,
// a value replaced by a hostile or out-of-range one, a key renamed, a list item duplicated) and loads the
// result. Every case must end as a user sees it: accepted, or one InputError (exit 2) with file:line:col;
// never another error (exit 70). Accepted topologies must render configs the real parsers accept.
// Deterministic: a seeded generator, so a failure names a case that can be run again.

const cases = Number(process.env.PEERLAB_FUZZ_CASES ?? 400);
const parsedAccepted = 6;

function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

const hostile: unknown[] = [
  -1,
  0,
  1,
  2,
  65535,
  65536,
  4294967295,
  4294967296,
  2 ** 53,
  1.5,
  -0.5,
  Infinity,
  -Infinity,
  NaN,
  '',
  ' ',
  'x'.repeat(300),
  'A_B',
  'a b',
  '../../etc/passwd',
  '/dev/zero',
  '$(reboot)',
  '; rm -rf /',
  'é',
  '\u0000',
  '203.0.113.0/33',
  '300.1.1.1/24',
  '10.0.0.0/8',
  '8075:8007',
  '65536:1',
  null,
  true,
  false,
  [],
  {},
  [1, 2],
  { a: 1 },
  '1s',
  '-3s',
  '99999999m',
  'all',
];
const hostileKeys = ['__proto__', 'constructor', 'UPPER', 'a'.repeat(40), 'a.b', 'x y', '', '-a', 'ok-name'];

type Tree = Record<string, unknown> | unknown[];

/** Every path to a value in the document. */
function paths(node: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (!node || typeof node !== 'object') return [at];
  const entries: [string | number, unknown][] = Array.isArray(node)
    ? node.map((v, i) => [i, v])
    : Object.entries(node as Record<string, unknown>);
  return [at, ...entries.flatMap(([k, v]) => paths(v, [...at, k]))];
}

function parentOf(doc: Tree, path: (string | number)[]): Tree {
  return path.slice(0, -1).reduce<unknown>((n, k) => (n as Record<string, unknown>)[k as string], doc) as Tree;
}

function mutate(doc: Tree, rng: ReturnType<typeof generator>): string {
  const path = rng.pick(paths(doc).filter((p) => p.length > 0));
  const parent = parentOf(doc, path);
  const key = path.at(-1)!;
  const op = rng.pick(['delete', 'replace', 'replace', 'replace', 'rename', 'duplicate'] as const);
  if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Record<string, unknown>)[key as string];
  } else if (op === 'replace') (parent as Record<string, unknown>)[key as string] = rng.pick(hostile);
  else if (op === 'rename' && !Array.isArray(parent)) {
    const value = (parent as Record<string, unknown>)[key as string];
    delete (parent as Record<string, unknown>)[key as string];
    Object.defineProperty(parent, rng.pick(hostileKeys), {
      value,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  } else if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
  return `${op} ${path.join('.')}`;
}

/** What the CLI would do with this error: exit 2 with a position, or a bug. */
function judge(error: unknown): string | undefined {
  if (!(error instanceof InputError)) return `not an input error (exit 70): ${String(error)}`;
  if (!/^[^\n]+:\d+:\d+: /.test(error.message)) return `no file:line:col: ${error.message}`;
  if (error.message.includes('\n')) return `more than one line: ${JSON.stringify(error.message)}`;
  return undefined;
}

const snapshot = async () =>
  new Set([
    ...(await readdir(tmpdir()).catch(() => [] as string[])).filter((f) => !f.startsWith('peerlab-fuzz')),
    ...(await readdir(stateRoot).catch(() => [] as string[])).map((f) => `state:${f}`),
  ]);

test(`fuzz: ${cases} mutated topologies and scenarios end as exit 0/1 or one positioned exit 2, nothing else`, async (t) => {
  t.timeout(600_000);
  const started = performance.now();
  const dir = await tempDir(t, 'fuzz');
  const before = await snapshot();
  const topologies = ['topologies/maps-direct.yaml', 'topologies/maps-voice.yaml', 'topologies/maps-ers.yaml'];
  const scenarios = [
    'scenarios/voice-active-active.yaml',
    'scenarios/direct-gray-failure.yaml',
    'scenarios/voice-lossy-interconnect.yaml',
    'scenarios/voice-flap.yaml',
  ];
  const sources = await Promise.all(
    [...topologies, ...scenarios].map(async (f) => ({
      file: f,
      doc: parse(await readFile(join(root, f), 'utf8')) as Tree,
    })),
  );
  const problems: string[] = [];
  const accepted: { label: string; model: LabModel }[] = [];
  let refused = 0;
  for (let i = 0; i < cases; i++) {
    const rng = generator(i + 1);
    const source = rng.pick(sources);
    const doc = structuredClone(source.doc);
    const what = mutate(doc, rng);
    const scenario = source.file.startsWith('scenarios/');
    // Scenarios keep pointing at their topology from where they are written.
    if (scenario && typeof (doc as Record<string, unknown>).topology === 'string' && !what.includes('topology'))
      (doc as Record<string, unknown>).topology = relative(
        dir,
        join(root, 'scenarios', (doc as Record<string, string>).topology!),
      );
    const file = join(dir, `case-${i}.yaml`);
    await writeFile(file, stringify(doc));
    const label = `case ${i} (${source.file}: ${what})`;
    try {
      if (scenario) await loadScenario(file);
      else accepted.push({ label, model: await loadTopology(file) });
    } catch (error) {
      refused++;
      const problem = judge(error);
      if (problem) problems.push(`${label}: ${problem}`);
    }
  }
  // What check accepts, the routers accept: every config of a few accepted mutants through the real parsers.
  for (const { label, model } of accepted.slice(0, parsedAccepted)) {
    const results = await Promise.all(renderLab(model).map(validateConfig));
    for (const r of results.filter((x) => !x.ok))
      problems.push(`${label}: ${r.config.node}/${r.config.file} refused by its parser: ${r.output.split('\n')[0]}`);
  }
  const after = await snapshot();
  t.deepEqual(
    [...after].filter((f) => !before.has(f)),
    [],
    'nothing created outside the test folder',
  );
  t.log(
    `${cases} cases: ${cases - refused} accepted, ${refused} refused with a position; ${Math.min(parsedAccepted, accepted.length)} accepted topologies parsed by FRR and BIRD; ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  t.deepEqual(problems, []);
});

test('property: generated valid topologies (sizes, types, daemons) render configs FRR and BIRD accept', async (t) => {
  t.timeout(600_000);
  const { syntheticTopology } = await import('../src/topology/generate.js');
  const dir = await tempDir(t, 'fuzz-generated');
  const problems: string[] = [];
  let configs = 0;
  for (let i = 0; i < 6; i++) {
    const rng = generator(1000 + i);
    const options = {
      metros: 1 + Math.floor(rng.next() * 3),
      type: rng.pick(['direct', 'voice', 'ers'] as const),
      daemon: rng.pick(['frr', 'bird'] as const),
    };
    const file = join(dir, `generated-${i}.yaml`);
    await writeFile(file, syntheticTopology(options));
    const model = await loadTopology(file);
    const results = await Promise.all(renderLab(model).map(validateConfig));
    configs += results.length;
    for (const r of results.filter((x) => !x.ok))
      problems.push(`${JSON.stringify(options)} ${r.config.node}/${r.config.file}: ${r.output.split('\n')[0]}`);
  }
  t.log(`${configs} configs of 6 generated topologies parsed`);
  t.deepEqual(problems, []);
});
