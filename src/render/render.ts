import type { LabModel, LabNode } from '../topology/model.js';
import { renderBird } from './bird/index.js';
import { renderFrr } from './frr/index.js';
import { buildIntent } from './intent/build.js';

export interface RenderedConfig {
  node: string;
  daemon: 'frr' | 'bird';
  /** File name inside the node's config folder. */
  file: 'frr.conf' | 'bird.conf';
  text: string;
}

/** The daemon config of one router node. */
export function renderNode(model: LabModel, node: LabNode): RenderedConfig {
  const intent = buildIntent(model, node);
  const header = `peerlab lab ${model.name}: ${node.name} (${node.role}, AS${intent.asn}), generated from ${model.source}`;
  return intent.daemon === 'frr'
    ? { node: node.name, daemon: 'frr', file: 'frr.conf', text: renderFrr(intent, header) }
    : { node: node.name, daemon: 'bird', file: 'bird.conf', text: renderBird(intent, header) };
}

/** Every router's config, in model order (hosts have none). */
export function renderLab(model: LabModel): RenderedConfig[] {
  return model.nodes.filter((n) => n.role !== 'host').map((n) => renderNode(model, n));
}
