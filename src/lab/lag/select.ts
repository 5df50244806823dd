import { existsSync } from 'node:fs';
import { PeerlabError } from '../../errors.js';
import { runCommand, type Runner } from '../../util/run.js';
import { kernelLag } from './kernel.js';
import { ovsLag } from './ovs.js';
import type { LagDriver, LagDriverKind } from './types.js';

/** Whether the host kernel can make bonds: the module is loaded, built in, or loads on request. */
export async function hostHasBonding(run: Runner = runCommand): Promise<boolean> {
  if (existsSync('/sys/module/bonding') || existsSync('/sys/class/net/bonding_masters')) return true;
  return (await run(['modprobe', 'bonding'], { allowFailure: true }).catch(() => ({ exitCode: 1 }))).exitCode === 0;
}

export async function selectLagDriver(choice: LagDriverKind | 'auto', run: Runner = runCommand): Promise<LagDriver> {
  if (choice === 'ovs') return ovsLag;
  const bonding = await hostHasBonding(run);
  if (choice === 'kernel' && !bonding) {
    throw new PeerlabError(
      '--lag-driver kernel: this kernel has no bonding driver (modprobe bonding failed); use --lag-driver ovs or auto',
    );
  }
  return bonding ? kernelLag : ovsLag;
}
