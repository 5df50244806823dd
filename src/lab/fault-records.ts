import { mkdir, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { labDir } from '../runtime/identity.js';
import { runCommand, type Runner } from '../util/run.js';
import type { Lab } from './lab.js';
import { when } from '../util/fs-errors.js';

/** What a record keeps of a fault plan: enough to revert it from another process. */
export interface RecordedPlan {
  id: string;
  kind: string;
  target: string;
  steps: { node: string; netOnly: boolean; revert: string[][]; cleanup?: string[][] }[];
}

/** A fault as the lab's own state records it: applied (or being applied) until its record is gone. */
export interface FaultRecord {
  plan: RecordedPlan;
  appliedAt: string;
  pid: number;
}

/**
 * Applied faults live in the lab's state folder from just before they are applied until they are
 * reverted and cleaned up, so a fault whose process was killed (SIGKILL, a dead runner) is still known:
 * `status` lists it, `fault` and `run --attach` refuse to start on it, `peerlab revert` undoes it.
 */
export interface FaultRecorder {
  applying(plan: RecordedPlan): Promise<void>;
  reverted(plan: RecordedPlan): Promise<void>;
}

const folder = (lab: string) => join(labDir(lab), 'faults');

export function labFaultRecorder(lab: string): FaultRecorder {
  return {
    async applying(plan) {
      await mkdir(folder(lab), { recursive: true });
      const record: FaultRecord = { plan, appliedAt: new Date().toISOString(), pid: process.pid };
      await writeFile(join(folder(lab), `${plan.id}.json`), JSON.stringify(record, null, 2));
    },
    async reverted(plan) {
      await rm(join(folder(lab), `${plan.id}.json`), { force: true });
      // Empty folders go too: a lab peerlab only attached to has no state folder of its own to keep.
      await rmdir(folder(lab)).catch(when(['ENOENT', 'ENOTEMPTY'], undefined));
      await rmdir(labDir(lab)).catch(when(['ENOENT', 'ENOTEMPTY'], undefined));
    },
  };
}

/** Faults a lab still has applied (a process that applied them is gone, or still holds them). */
export async function recordedFaults(lab: string): Promise<FaultRecord[]> {
  const files = (await readdir(folder(lab)).catch(when(['ENOENT'], [] as string[])))
    .filter((f) => f.endsWith('.json'))
    .sort();
  const records: FaultRecord[] = [];
  for (const f of files) {
    try {
      records.push(JSON.parse(await readFile(join(folder(lab), f), 'utf8')) as FaultRecord);
    } catch {
      // a record being written by a process that was killed half-way: nothing was applied yet
    }
  }
  return records;
}

/** `ams/ic1 link-blackhole, applied 2026-11-29T10:00:00Z by pid 123 (no longer running)`. */
export function describeFault(record: FaultRecord, alive: (pid: number) => boolean): string {
  return `${record.plan.kind} ${record.plan.target}, applied ${record.appliedAt} by pid ${record.pid}${alive(record.pid) ? ' (still running)' : ' (no longer running)'}`;
}

export const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Before a fault or a scenario: a lab that still has a fault applied would measure nothing true. */
export async function refuseStaleFaults(lab: string): Promise<void> {
  const stale = await recordedFaults(lab);
  if (stale.length)
    throw new InputError(
      `lab ${lab} still has ${stale.length === 1 ? 'a fault' : `${stale.length} faults`} applied (${stale.map((r) => describeFault(r, pidAlive)).join('; ')}); its process was stopped before reverting it: run peerlab revert ${lab} (or peerlab down ${lab})`,
    );
}

/**
 * Revert every recorded fault of a lab, as their own process would have: each step's revert, then its
 * cleanup, on the node it touched (commands that fail, such as removing what was never added, are passed
 * over); then the record goes. Returns what was reverted.
 */
export async function revertRecordedFaults(lab: Lab, run: Runner = runCommand): Promise<string[]> {
  const done: string[] = [];
  for (const record of await recordedFaults(lab.name)) {
    for (const step of record.plan.steps) {
      const namespaces = step.netOnly ? await lab.runtime.toolNamespaces(lab.name, step.node) : undefined;
      for (const command of [...step.revert, ...(step.cleanup ?? [])]) {
        if (namespaces) await run(['nsenter', ...namespaces, '--', ...command], { allowFailure: true });
        else await lab.exec(step.node, command, { allowFailure: true });
      }
    }
    await labFaultRecorder(lab.name).reverted(record.plan);
    done.push(`${record.plan.kind} ${record.plan.target}`);
  }
  return done;
}
