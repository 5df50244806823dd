import { readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import test from 'ava';
import { certificationScenarios } from '../src/certify/scenarios.js';
import { loadScenario } from '../src/scenario/load.js';
import { loadTopology } from '../src/topology/load.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

// What `peerlab certify` generates for a topology, as the scenario loader reads it back: names, what each
// covers, steps, expectations (with where each stands in the written file), and the E-* IDs skipped with
// why. Held equal to test/golden/certify-scenarios.json, captured from the generator as it was when its
// scenarios were YAML in template strings. PEERLAB_WRITE_CERTIFY_SCENARIOS=1 rewrites the file.

const expectedFile = join(root, 'test/golden/certify-scenarios.json');
const write = process.env.PEERLAB_WRITE_CERTIFY_SCENARIOS === '1';

const under = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => `${dir}/${f}`);

/**
 * Every connection type (the reference topologies), a partner's own configs, and the shapes that change
 * what is generated: twins missing or only in the second metro, backups, one metro, one-member LAGs, BFD
 * off on a twin or everywhere, no transit.
 */
const topologies = [
  ...under('topologies'),
  'examples/partner-voice/topology.yaml',
  ...['primary-backup', 'single-metro', 'voice-no-bfd'].map((f) => `test/fixtures/requirements/${f}.yaml`),
  ...under('test/fixtures/certify'),
];

/** Temporary paths out: a scenario file's path becomes its name (its topology is a path from the repository already). */
function portable(value: unknown, dir: string): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) =>
      key === 'file' && typeof v === 'string' && v.startsWith(dir) ? basename(v) : v,
    ),
  );
}

async function generated(topology: string, scratch: string) {
  const model = await loadTopology(topology);
  const dir = join(scratch, basename(topology, '.yaml'), 'scenarios');
  await mkdir(dir, { recursive: true });
  const { scenarios, skipped } = certificationScenarios(model, join(root, topology), dir);
  const loaded = [];
  for (const s of scenarios) {
    await writeFile(join(dir, `${s.name}.yaml`), s.text);
    const { scenario } = await loadScenario(join(dir, `${s.name}.yaml`));
    loaded.push({ name: s.name, covers: s.covers, scenario: portable(scenario, dir) });
  }
  return { scenarios: loaded, skipped };
}

test('certify generates, for each connection type and shape, the scenarios it always has', async (t) => {
  t.true(
    ['direct', 'voice', 'ers'].every((type) => topologies.includes(`topologies/maps-${type}.yaml`)),
    'T-DIRECT, T-VOICE and T-ERS are among them',
  );
  const scratch = await tempDir(t, 'certify-generated');
  const actual: Record<string, unknown> = {};
  for (const topology of topologies) actual[topology] = await generated(topology, scratch);
  if (write) {
    await writeFile(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
    t.log(`wrote ${expectedFile}`);
  }
  const expected = JSON.parse(await readFile(expectedFile, 'utf8')) as Record<string, unknown>;
  t.deepEqual(Object.keys(actual), Object.keys(expected), 'the same topologies');
  for (const topology of topologies) t.deepEqual(actual[topology], expected[topology], topology);
});
