import type { Runtime } from '../runtime/types.js';
import { runCommand, type Runner } from '../util/run.js';
import { agentMarker, vethPrefix } from '../runtime/identity.js';
import { removeLabDir } from './state.js';

/** Remove everything a lab made: its nodes, host-side veths left by an interrupted wiring, its files. */
export async function tearDownLab(lab: string, runtime: Runtime, run: Runner = runCommand): Promise<void> {
  // Probe agents live in the nodes' namespaces but are host processes: they would hold a removed container's namespace.
  await run(['pkill', '-KILL', '-f', '--', `${agentMarker(lab)}$`], { allowFailure: true });
  await runtime.removeLab(lab);
  await removeHostVeths(lab, run);
  await removeLabDir(lab);
}

async function removeHostVeths(lab: string, run: Runner): Promise<void> {
  const links = await run(['ip', '-o', 'link', 'show'], { allowFailure: true });
  const prefix = vethPrefix(lab);
  const names = [...links.stdout.matchAll(/^\d+: ([^:@]+)[@:]/gm)]
    .map((m) => m[1]!)
    .filter((n) => n.startsWith(prefix));
  for (const name of names) await run(['ip', 'link', 'del', name], { allowFailure: true });
}
