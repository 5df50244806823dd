import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { missingTool } from '../errors.js';
import { systemPath } from '../util/run.js';
import { daemonDriver } from './registry.js';

/** A daemon config to validate: whose it is, its file name, its text. */
export interface ConfigText {
  node: string;
  daemon: string;
  file: string;
  text: string;
}

export interface ValidationResult<C extends ConfigText = ConfigText> {
  config: C;
  ok: boolean;
  /** What the parser said, when it refused the config. */
  output: string;
  /** Where the parser says the first error is, when it says. */
  at?: { line: number; column: number };
}

/** Parse a config with its daemon's own parser (the driver's validator: `vtysh --dryrun -f`, `bird -p -c`). */
export async function validateConfig<C extends ConfigText>(config: C): Promise<ValidationResult<C>> {
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
    const output = (result.all ?? '').replaceAll(file, `${config.node}/${config.file}`);
    const at = result.exitCode === 0 ? undefined : validator.locate(output);
    return { config, ok: result.exitCode === 0, output, ...(at ? { at } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
