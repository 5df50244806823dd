import { EnvironmentError, InputError } from '../../errors.js';
import { runCommand, type Runner } from '../../util/run.js';
import { kernelLag } from './kernel/index.js';
import { nftLag } from './nft/index.js';
import { ovsLag } from './ovs/index.js';
import type { LagDriver } from './types.js';

/** Every LAG driver, in the order `auto` prefers them. Adding one: its folder and a line here. */
export const lagDrivers = [kernelLag, nftLag, ovsLag] as const satisfies readonly LagDriver[];

export const lagDriverKinds = lagDrivers.map((d) => d.kind);
/** What `--lag-driver` accepts. */
export const lagDriverChoices = ['auto', ...lagDriverKinds];

/** The driver of a kind (a lab's state names the one it was made with). */
export function lagDriver(kind: string): LagDriver {
  const driver = lagDrivers.find((d) => d.kind === kind);
  if (!driver) throw new InputError(`unknown LAG driver "${kind}"; one of ${lagDriverChoices.join(', ')}`);
  return driver;
}

/** The chosen driver, checked on this host; `auto` is the first one this host can run. */
export async function selectLagDriver(choice: string, run: Runner = runCommand): Promise<LagDriver> {
  if (choice !== 'auto') {
    const driver = lagDriver(choice);
    const available = await driver.available(run);
    if (!available.ok)
      throw new EnvironmentError(
        `--lag-driver ${choice}: ${available.reason}; use --lag-driver ${lagDriverChoices.filter((c) => c !== choice).join(' or ')}`,
      );
    return driver;
  }
  for (const driver of lagDrivers) if ((await driver.available(run)).ok) return driver;
  throw new EnvironmentError(`no LAG driver can run on this host (${lagDriverKinds.join(', ')})`);
}
