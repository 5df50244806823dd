import { EnvironmentError } from '../errors.js';
import { bird } from './bird/index.js';
import { frr } from './frr/index.js';
import type { DaemonDriver } from './types.js';

/** Every routing daemon peerlab can run, by the name a topology uses. Adding one: its folder and a line here. */
export const daemonDrivers = { frr, bird } as const satisfies Record<string, DaemonDriver>;

export type DaemonName = keyof typeof daemonDrivers;
export const daemonNames = Object.keys(daemonDrivers) as [DaemonName, ...DaemonName[]];

export function daemonDriver(name: string): DaemonDriver {
  const driver = (daemonDrivers as Record<string, DaemonDriver>)[name];
  if (!driver) throw new EnvironmentError(`no daemon driver "${name}"; drivers: ${daemonNames.join(', ')}`);
  return driver;
}

/** The driver of a router node, for the version it runs. */
export function daemonOf(node: { name: string; daemon?: string; version?: string }): DaemonDriver {
  if (!node.daemon) throw new EnvironmentError(`${node.name} runs no routing daemon`);
  const driver = daemonDriver(node.daemon);
  return node.version && driver.forVersion ? driver.forVersion(node.version) : driver;
}
