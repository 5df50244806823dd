import type { RenderedConfig } from '../render/render.js';

/** `node/file:line` of the first line matching `pattern` in a rendered config, or undefined. */
export function citeLine(config: RenderedConfig, pattern: RegExp): string | undefined {
  const index = config.text.split('\n').findIndex((line) => pattern.test(line));
  return index < 0 ? undefined : `${config.node}/${config.file}:${index + 1}`;
}
