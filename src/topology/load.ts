import { parseWith, readYamlSource, type YamlSource } from '../util/yaml-source.js';
import type { LabModel } from './model.js';
import { bindPartnerConfigs } from './partner.js';
import { resolveTopology, type Locate } from './resolve.js';
import { topologySchema } from './schema.js';

/**
 * Read, validate and resolve a topology file, then bind the partner configs it names (each parsed by its
 * daemon and checked against its router's contract). Every user mistake is an InputError with
 * file:line:col, in the topology or in the partner's config.
 */
export async function loadTopology(file: string): Promise<LabModel> {
  const source = await readYamlSource(file);
  const parsed = parseWith(topologySchema, source);
  const locate: Locate = (path, key) => source.positionOf(path, key);
  const model = resolveTopology(parsed, source.file, locate);
  await bindPartnerConfigs(model, parsed, locate);
  return model;
}

/** A topology without partner configs, resolved without reading anything else. */
export function resolveSource(source: YamlSource): LabModel {
  const parsed = parseWith(topologySchema, source);
  return resolveTopology(parsed, source.file, (path, key) => source.positionOf(path, key));
}
