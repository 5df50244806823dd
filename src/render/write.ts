import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabModel } from '../topology/model.js';
import { renderLab } from './render.js';

/** Write `<out>/<node>/<frr|bird>.conf` for every router and `<out>/lab.json`; returns the paths. */
export async function writeRenderedLab(model: LabModel, out: string): Promise<string[]> {
  const written: string[] = [];
  for (const config of renderLab(model)) {
    const dir = join(out, config.node);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, config.file), config.text);
    written.push(join(dir, config.file));
  }
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'lab.json'), `${JSON.stringify(model, null, 2)}\n`);
  written.push(join(out, 'lab.json'));
  return written;
}
