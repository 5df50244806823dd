import { InputError } from '../errors.js';
import { when } from '../util/fs-errors.js';

/** A command-line choice, checked against the allowed values (an InputError naming them otherwise). */
export function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T))
    throw new InputError(`${option} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

/**
 * An output folder a command may write into, checked before any work: named, not a file, not in a
 * kernel filesystem (writes there hang or fail oddly), and writable (its nearest existing parent).
 */
export async function outputFolder(option: string, out: string): Promise<string> {
  const { access, stat } = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  const { dirname, resolve } = await import('node:path');
  if (!out.trim()) throw new InputError(`${option} names no folder`);
  const full = resolve(out);
  if (/^\/(proc|sys|dev)(\/|$)/.test(full))
    throw new InputError(`${option} ${out} is in a kernel filesystem; name a normal folder`);
  let at = full;
  for (;;) {
    const info = await stat(at).catch(when(['ENOENT', 'ENOTDIR'], undefined));
    if (info) {
      if (!info.isDirectory())
        throw new InputError(`${option} ${out}: ${at === full ? 'it' : at} is a file, not a folder`);
      await access(at, constants.W_OK).catch(() => {
        throw new InputError(`${option} ${out}: ${at} is not writable`);
      });
      return out;
    }
    if (dirname(at) === at) return out;
    at = dirname(at);
  }
}

/** Files named on the command line: files as given, folders as their *.yaml (not recursive), sorted. */
export async function yamlFiles(args: string[], what: string): Promise<string[]> {
  const { readdir, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const files: string[] = [];
  for (const arg of args) {
    const info = await stat(arg).catch(when(['ENOENT', 'ENOTDIR'], undefined));
    if (!info) throw new InputError(`no such ${what} file or folder: ${arg}`);
    if (info.isDirectory())
      files.push(
        ...(await readdir(arg))
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(arg, f)),
      );
    else files.push(arg);
  }
  if (!files.length) throw new InputError(`no ${what} files in ${args.join(', ')}`);
  return files;
}
