import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { scenarioJsonSchema } from '../src/scenario/json-schema.js';
import { topologyJsonSchema } from '../src/topology/json-schema.js';
import { fixtures } from './helpers/fixtures.js';
import { referenceTopologies, root } from './helpers/reference.js';

const published = join(root, 'schema', 'topology.schema.json');

test('the published JSON Schema is the one the zod schema generates (npm run schema to update)', async (t) => {
  t.is(await readFile(published, 'utf8'), topologyJsonSchema());
});

test('editors validate with it: reference topologies pass, an unknown key and a bad enum do not', async (t) => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
    JSON.parse(await readFile(published, 'utf8')),
  );
  for (const file of [...referenceTopologies, ...fixtures('requirements', 'expect-fail').map((f) => f.file)]) {
    t.true(validate(parse(await readFile(join(root, file), 'utf8'))), `${file}: ${JSON.stringify(validate.errors)}`);
  }
  for (const bad of ['unknown-key', 'bad-enum', 'wrong-type']) {
    t.false(validate(parse(await readFile(join(root, 'test/fixtures/malformed', `${bad}.yaml`), 'utf8'))), bad);
  }
});

test('the published scenario JSON Schema is current, and validates the reference scenarios', async (t) => {
  const file = join(root, 'schema', 'scenario.schema.json');
  t.is(await readFile(file, 'utf8'), scenarioJsonSchema());
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(await readFile(file, 'utf8')));
  for (const name of (await readdir(join(root, 'scenarios'))).filter((f) => f.endsWith('.yaml'))) {
    const data = parse(await readFile(join(root, 'scenarios', name), 'utf8'));
    t.true(validate(data), `${name}: ${JSON.stringify(validate.errors)}`);
  }
  t.false(validate({ topology: 'x.yaml', covers: ['E-GEO'], steps: [{ hold: '1s', sleep: 1 }], expect: [] }));
});
