import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PeerlabError } from '../errors.js';
import type { LabModel } from '../topology/model.js';
import type { RuntimeKind } from '../runtime/types.js';
import type { LagDriverKind } from './lag/types.js';

/** Every lab keeps its files (configs, sockets, logs, state) under this folder, one subfolder per node. */
export const stateRoot = process.env.PEERLAB_STATE_DIR ?? '/run/peerlab';

export interface LabState {
  name: string;
  runtime: RuntimeKind;
  lagDriver: LagDriverKind;
  createdAt: string;
  model: LabModel;
}

export const labDir = (lab: string) => join(stateRoot, lab);
export const nodeHostDir = (lab: string, node: string) => join(stateRoot, lab, node);

export async function writeLabState(state: LabState): Promise<void> {
  await mkdir(labDir(state.name), { recursive: true });
  await writeFile(join(labDir(state.name), 'lab.json'), JSON.stringify(state, null, 2));
}

export async function readLabState(lab: string): Promise<LabState> {
  try {
    return JSON.parse(await readFile(join(labDir(lab), 'lab.json'), 'utf8')) as LabState;
  } catch (cause) {
    const known = await listLabStates();
    throw new PeerlabError(`no lab named "${lab}"${known.length ? `; running: ${known.join(', ')}` : ' is running'}`, {
      cause,
    });
  }
}

export async function listLabStates(): Promise<string[]> {
  return (await readdir(stateRoot).catch(() => [] as string[])).sort();
}

export async function removeLabDir(lab: string): Promise<void> {
  await rm(labDir(lab), { recursive: true, force: true });
}
