import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { daemonDriver } from '../daemons/registry.js';
import { missingTool } from '../errors.js';
import { systemPath } from '../util/run.js';
import type { RenderedConfig } from './render.js';

export interface ValidationResult {
  config: RenderedConfig;
  ok: boolean;
  /** What the parser said, when it refused the config. */
  output: string;
}

/** Parse a config with its daemon's own parser (the driver's validator: `vtysh --dryrun -f`, `bird -p -c`). */
export async function validateConfig(config: RenderedConfig): Promise<ValidationResult> {
  const dir = await mkdtemp(join(tmpdir(), 'peerlab-validate-'));
  try {
    const file = join(dir, config.file);
    await writeFile(file, config.text);
    const validator = daemonDriver(config.daemon).validator;
    const [command, ...args] = validator.command(file);
    const result = await execa(command!, args, {
      reject: false,
      all: true,
      stdin: 'ignore',
      env: { PATH: systemPath },
    });
    if (result.failed && result.exitCode === undefined) throw missingTool(command!, validator.package, result.code);
    return {
      config,
      ok: result.exitCode === 0,
      output: (result.all ?? '').replaceAll(file, `${config.node}/${config.file}`),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
