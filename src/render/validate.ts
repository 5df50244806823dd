import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { systemPath } from '../util/run.js';
import type { RenderedConfig } from './render.js';

export interface ValidationResult {
  config: RenderedConfig;
  ok: boolean;
  /** What the parser said, when it refused the config. */
  output: string;
}

/** Parse a rendered config with the daemon's own parser: `vtysh --dryrun -f` (FRR) or `bird -p -c` (BIRD). */
export async function validateConfig(config: RenderedConfig): Promise<ValidationResult> {
  const dir = await mkdtemp(join(tmpdir(), 'peerlab-validate-'));
  try {
    const file = join(dir, config.file);
    await writeFile(file, config.text);
    const [command, args] =
      config.daemon === 'frr' ? ['vtysh', ['--dryrun', '-f', file]] : ['bird', ['-p', '-c', file]];
    const result = await execa(command, args, { reject: false, all: true, stdin: 'ignore', env: { PATH: systemPath } });
    if (result.failed && result.exitCode === undefined) {
      throw new Error(
        `cannot run ${command} (${result.code ?? result.shortMessage}); run scripts/setup.sh to install frr and bird2`,
      );
    }
    return {
      config,
      ok: result.exitCode === 0,
      output: (result.all ?? '').replaceAll(file, `${config.node}/${config.file}`),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
