// Regenerates schema/topology.schema.json from the zod schema (editors validate topology files with it).
import { writeFile } from 'node:fs/promises';
import { topologyJsonSchema } from '../src/topology/json-schema.js';

await writeFile(new URL('../schema/topology.schema.json', import.meta.url), topologyJsonSchema());
