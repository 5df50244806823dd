import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeConfigFiles } from '../daemons/validate.js';
import { contracts, formatContract } from '../topology/contract.js';
import type { LabModel } from '../topology/model.js';
import { renderLab } from './render.js';

/**
 * Write `<out>/<node>/<frr|bird>.conf` for every router (a partner's own where it names one: what the lab
 * runs), each peer router's contract beside it (`contract.txt`, `contract.json`: what its config must
 * meet), and `<out>/lab.json`; returns the paths.
 */
export async function writeRenderedLab(model: LabModel, out: string): Promise<string[]> {
  const written: string[] = [];
  for (const config of renderLab(model)) {
    const dir = join(out, config.node);
    await mkdir(dir, { recursive: true });
    await writeConfigFiles(dir, config);
    written.push(...[config.file, ...(config.includes ?? []).map((f) => f.path)].map((f) => join(dir, f)));
  }
  for (const contract of contracts(model)) {
    const dir = join(out, contract.router);
    await writeFile(join(dir, 'contract.txt'), formatContract(contract));
    await writeFile(join(dir, 'contract.json'), `${JSON.stringify(contract, null, 2)}\n`);
    written.push(join(dir, 'contract.txt'), join(dir, 'contract.json'));
  }
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'lab.json'), `${JSON.stringify(model, null, 2)}\n`);
  written.push(join(out, 'lab.json'));
  return written;
}
