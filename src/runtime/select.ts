import { DockerRuntime } from './docker.js';
import { NetnsRuntime } from './netns.js';
import type { Runtime, RuntimeKind } from './types.js';

export const runtimeKinds: RuntimeKind[] = ['docker', 'netns'];

export function createRuntime(kind: RuntimeKind): Runtime {
  return kind === 'docker' ? new DockerRuntime() : new NetnsRuntime();
}
