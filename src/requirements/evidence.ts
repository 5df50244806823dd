import { daemonDriver } from '../daemons/registry.js';
import type { EvidencePatterns } from '../daemons/types.js';
import type { RenderedConfig } from '../render/render.js';

/**
 * `node/file:line` of the first line of a config that shows `what` (its daemon driver knows how that
 * line is written), or undefined. A partner's own config is cited by its own path.
 */
export function citeLine(config: RenderedConfig, what: (patterns: EvidencePatterns) => RegExp): string | undefined {
  const pattern = what(daemonDriver(config.daemon).evidence);
  const index = config.text.split('\n').findIndex((line) => pattern.test(line));
  return index < 0 ? undefined : `${config.source ?? `${config.node}/${config.file}`}:${index + 1}`;
}
