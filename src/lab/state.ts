import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { labDir, stateRoot } from '../runtime/identity.js';
import type { LabModel } from '../topology/model.js';
import { when } from '../util/fs-errors.js';

export interface LabState {
  name: string;
  runtime: string;
  lagDriver: string;
  createdAt: string;
  model: LabModel;
}

export async function writeLabState(state: LabState): Promise<void> {
  await mkdir(labDir(state.name), { recursive: true });
  await writeFile(join(labDir(state.name), 'lab.json'), JSON.stringify(state, null, 2));
}

export async function readLabState(lab: string): Promise<LabState> {
  try {
    return JSON.parse(await readFile(join(labDir(lab), 'lab.json'), 'utf8')) as LabState;
  } catch (cause) {
    const known = await listLabStates();
    throw new InputError(
      `no lab named "${lab}"${known.length ? `; running: ${known.join(', ')}` : ' is running'}`,
      undefined,
      undefined,
      {
        cause,
      },
    );
  }
}

export async function listLabStates(): Promise<string[]> {
  return (await readdir(stateRoot).catch(when(['ENOENT'], [] as string[]))).sort();
}

export async function removeLabDir(lab: string): Promise<void> {
  await rm(labDir(lab), { recursive: true, force: true });
}
