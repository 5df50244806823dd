import { daemonDriver } from '../daemons/registry.js';
import { buildIntent } from '../intent/build.js';
import type { IncludedFile, LabModel, LabNode } from '../topology/model.js';

export interface RenderedConfig {
  node: string;
  /** The daemon driver that rendered it and will run it. */
  daemon: string;
  /** File name inside the node's config folder. */
  file: string;
  text: string;
  /** The partner's own file, when the config is theirs (topology `config:`), not rendered by peerlab. */
  source?: string;
  /** Files the partner's config includes, relative to the config's folder. */
  includes?: IncludedFile[];
}

/** The daemon config of one router node: rendered from its intent, or the partner's own. */
export function renderNode(model: LabModel, node: LabNode): RenderedConfig {
  if (node.config) {
    const driver = daemonDriver(node.daemon!);
    return {
      node: node.name,
      daemon: driver.name,
      file: driver.configFile,
      text: node.config.text,
      source: node.config.file,
      ...(node.config.includes ? { includes: node.config.includes } : {}),
    };
  }
  const intent = buildIntent(model, node);
  const header = `peerlab lab ${model.name}: ${node.name} (${node.role}, AS${intent.asn}), generated from ${model.source}`;
  const driver = daemonDriver(intent.daemon);
  return { node: node.name, daemon: driver.name, file: driver.configFile, text: driver.render(intent, header) };
}

/** Every router's config, in model order (hosts have none). */
export function renderLab(model: LabModel): RenderedConfig[] {
  return model.nodes.filter((n) => n.role !== 'host').map((n) => renderNode(model, n));
}
