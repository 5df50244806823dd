import { parseWith, readYamlSource, type YamlSource } from '../util/yaml-source.js';
import type { LabModel } from './model.js';
import { resolveTopology } from './resolve.js';
import { topologySchema } from './schema.js';

/** Read, validate and resolve a topology file. Every user mistake is an InputError with file:line:col. */
export async function loadTopology(file: string): Promise<LabModel> {
  return resolveSource(await readYamlSource(file));
}

export function resolveSource(source: YamlSource): LabModel {
  const parsed = parseWith(topologySchema, source);
  return resolveTopology(parsed, source.file, (path, key) => source.positionOf(path, key));
}
