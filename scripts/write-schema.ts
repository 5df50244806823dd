// Regenerates schema/{topology,scenario}.schema.json from the zod schemas (editors validate files with them).
import { writeFile } from 'node:fs/promises';
import { scenarioJsonSchema } from '../src/scenario/json-schema.js';
import { topologyJsonSchema } from '../src/topology/json-schema.js';

await writeFile(new URL('../schema/topology.schema.json', import.meta.url), topologyJsonSchema());
await writeFile(new URL('../schema/scenario.schema.json', import.meta.url), scenarioJsonSchema());
