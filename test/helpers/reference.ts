import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Paths relative to the repository root, as a user would type them. */
export const referenceTopologies = readdirSync(join(root, 'topologies'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => `topologies/${f}`);

export function goldenDir(topology: string): string {
  return join(root, 'test', 'golden', topology);
}
