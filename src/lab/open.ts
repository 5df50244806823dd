import { rm } from 'node:fs/promises';
import { daemonDrivers } from '../daemons/registry.js';
import { EnvironmentError, InputError, LabError } from '../errors.js';
import { checkLabName } from '../runtime/identity.js';
import type { Runtime } from '../runtime/types.js';
import type { LabModel } from '../topology/model.js';
import type { LagDriver } from './lag/types.js';
import { createRuntime, runtimeKinds } from '../runtime/select.js';
import { tearDownLab } from './down.js';
import { Lab } from './lab.js';
import { lagDriver } from './lag/registry.js';
import { listLabStates, readLabState } from './state.js';

/** A running lab from its state file, for status, exec and down from another process. */
export async function openLab(name?: string): Promise<Lab> {
  const labs = await listLabStates();
  const chosen = name ?? (labs.length === 1 ? labs[0] : undefined);
  if (!chosen) {
    throw new InputError(
      labs.length ? `several labs are running (${labs.join(', ')}); name one with --lab` : 'no lab is running',
    );
  }
  const state = await readLabState(chosen);
  const runtime = createRuntime(state.runtime);
  return new Lab(state.name, state.model, runtime, lagDriver(state.lagDriver), () => tearDownLab(state.name, runtime));
}

/**
 * A lab another engine deployed (containerlab, from `peerlab export containerlab`): its nodes are found by
 * their labels, every node of the model must answer, and peerlab never tears it down (it is not ours).
 */
export async function attachLab(name: string, model: LabModel, runtime: Runtime, lag: LagDriver): Promise<Lab> {
  checkLabName(name);
  const missing: string[] = [];
  for (const node of model.nodes)
    await runtime.netnsTarget(name, node.name).catch((error: unknown) => {
      if (!(error instanceof LabError)) throw error;
      missing.push(node.name);
    });
  if (missing.length === model.nodes.length)
    throw new InputError(
      `cannot attach to lab "${name}": no container is labelled peerlab.lab=${name} (an export's nodes carry peerlab.lab and peerlab.node labels)`,
    );
  if (missing.length)
    throw new InputError(
      `cannot attach to lab "${name}" (topology ${model.name}): no running container for ${missing.join(', ')}`,
    );
  return new Lab(name, model, runtime, lag, async () => {});
}

/** Every lab with resources in any runtime or a state folder, crashed runs included. */
export async function allLabs(): Promise<{ name: string; runtimes: string[] }[]> {
  const found = new Map<string, Set<string>>();
  for (const name of await listLabStates()) found.set(name, new Set());
  for (const kind of runtimeKinds) {
    // A runtime this host lacks (no Docker engine) has no labs.
    const labs = await createRuntime(kind)
      .listLabs()
      .catch((error: unknown) => {
        if (error instanceof EnvironmentError) return [] as string[];
        throw error;
      });
    for (const lab of labs) found.set(lab, (found.get(lab) ?? new Set()).add(kind));
  }
  return [...found].map(([name, runtimes]) => ({ name, runtimes: [...runtimes] }));
}

export interface TearDownAll {
  removed: string[];
  /** Labs (in a runtime) whose removal failed, with why: they may still hold resources. */
  failed: { lab: string; runtime: string; error: string }[];
}

/** Remove every peerlab resource of every runtime: the labs of crashed runs too. */
export async function tearDownAll(): Promise<TearDownAll> {
  const labs = await allLabs();
  const failed: TearDownAll['failed'] = [];
  for (const { name, runtimes } of labs) {
    for (const kind of runtimeKinds)
      await tearDownLab(name, createRuntime(kind)).catch((error: unknown) => {
        // A runtime this host lacks holds nothing of the lab's.
        if (error instanceof EnvironmentError && !runtimes.includes(kind)) return;
        failed.push({ lab: name, runtime: kind, error: error instanceof Error ? error.message : String(error) });
      });
  }
  // What daemons of crashed or killed labs left on the host, their processes gone.
  for (const driver of Object.values(daemonDrivers))
    for (const path of (await driver.orphans?.()) ?? []) await rm(path, { recursive: true, force: true });
  return { removed: labs.map((l) => l.name).filter((n) => !failed.some((f) => f.lab === n)), failed };
}
