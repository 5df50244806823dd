import { InputError } from '../errors.js';
import { DockerRuntime } from './docker.js';
import { NetnsRuntime } from './netns.js';
import type { Runtime } from './types.js';

/** Every runtime by name: a new one is a file implementing Runtime and a line here. */
const runtimes = {
  docker: () => new DockerRuntime(),
  netns: () => new NetnsRuntime(),
} satisfies Record<string, () => Runtime>;

export type RuntimeKind = keyof typeof runtimes;
export const runtimeKinds = Object.keys(runtimes) as RuntimeKind[];

/** The runtime named `kind` (a lab state file names its runtime too): an InputError listing them otherwise. */
export function createRuntime(kind: string): Runtime {
  if (!Object.hasOwn(runtimes, kind))
    throw new InputError(`unknown runtime "${kind}"; runtimes: ${runtimeKinds.join(', ')}`);
  return runtimes[kind as RuntimeKind]();
}
