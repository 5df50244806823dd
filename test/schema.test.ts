import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
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
