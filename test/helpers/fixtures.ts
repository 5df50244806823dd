import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { root } from './reference.js';

/** Fixture files of a folder with the value of their `# <header>:` line. */
export function fixtures(folder: string, header: string): { file: string; expected: string }[] {
  const dir = join(root, 'test', 'fixtures', folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const line = readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`# ${header}: `));
      if (!line) throw new Error(`${f} has no "# ${header}:" line`);
      return { file: `test/fixtures/${folder}/${f}`, expected: line.slice(header.length + 4) };
    });
}

/** Run the real CLI as a user would, from the repository root. */
export function peerlab(...args: string[]) {
  return execa(join(root, 'bin', 'peerlab.js'), args, { cwd: root, reject: false, stdin: 'ignore' });
}
