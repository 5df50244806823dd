import type { Runtime } from '../runtime/types.js';
import { runCommand, type Runner } from '../util/run.js';
import { agentMarker } from '../runtime/identity.js';
import { removeLabDir } from './state.js';

/** Remove everything a lab made: its probe agents, its nodes (their links die with them), its files. */
export async function tearDownLab(lab: string, runtime: Runtime, run: Runner = runCommand): Promise<void> {
  // Probe agents live in the nodes' namespaces but are host processes: they would hold a removed container's namespace.
  await run(['pkill', '-KILL', '-f', '--', `${agentMarker(lab)}$`], { allowFailure: true });
  await runtime.removeLab(lab);
  await removeLabDir(lab);
}
