import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
  /** Files the config includes, relative to its folder: written beside it for the parser. */
  includes?: readonly { path: string; text: string }[];
}

export interface ValidationResult<C extends ConfigText = ConfigText> {
  config: C;
  ok: boolean;
  /** What the parser said, when it refused the config. */
  output: string;
  /** Where the parser says the first error is, when it says. */
  at?: { line: number; column: number };
}

/** A config and the files it includes, written in `dir` as the daemon will find them. */
export async function writeConfigFiles(dir: string, config: Pick<ConfigText, 'file' | 'text' | 'includes'>) {
  for (const f of [{ path: config.file, text: config.text }, ...(config.includes ?? [])]) {
    await mkdir(dirname(join(dir, f.path)), { recursive: true });
    await writeFile(join(dir, f.path), f.text);
  }
}

/** Parse a config with its daemon's own parser (the driver's validator: `vtysh --dryrun -f`, `bird -p -c`). */
export async function validateConfig<C extends ConfigText>(config: C): Promise<ValidationResult<C>> {
  const dir = await mkdtemp(join(tmpdir(), 'peerlab-validate-'));
  try {
    const file = join(dir, config.file);
    await writeConfigFiles(dir, config);
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
