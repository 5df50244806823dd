import { existsSync, readdirSync } from 'node:fs';
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

/**
 * A file of the workplace's shared folder beside the checkout (the spec, containerlab's schema); a clone
 * elsewhere reads the copy kept in test/fixtures/shared, which a test holds equal to the original.
 */
export function sharedFile(path: string): string {
  const beside = join(root, '..', 'shared', path);
  return existsSync(beside) ? beside : join(root, 'test', 'fixtures', 'shared', path);
}
