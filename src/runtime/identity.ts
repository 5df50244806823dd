import { join } from 'node:path';
import { InputError } from '../errors.js';

/**
 * Every name peerlab gives what a lab makes, in one place: container and namespace names, labels,
 * FRR pathspaces, probe-agent markers and state folders all carry the lab's name, so `down` and `down --all` find them again, even after a crash.
 */

/** A lab name prefixes container, namespace and FRR pathspace names: short, lowercase, no dots. */
export const labNamePattern = /^[a-z][a-z0-9-]{0,30}$/;

export function checkLabName(name: string): string {
  if (!labNamePattern.test(name))
    throw new InputError(`lab name "${name}" must match ${labNamePattern} (it prefixes container and namespace names)`);
  return name;
}

/** Docker labels on every container of a lab. */
export const labels = { lab: 'peerlab.lab', node: 'peerlab.node', role: 'peerlab.role' } as const;

const resourcePrefix = 'peerlab-';

/** The container or network namespace of a node. */
export function resourceName(lab: string, node: string): string {
  return `${resourcePrefix}${lab}.${node}`;
}

/** The lab a container or namespace name belongs to, or undefined when it is not peerlab's. */
export function labOfResource(name: string): string | undefined {
  return name.match(/^peerlab-([a-z0-9-]+)\./)?.[1];
}

export function isLabResource(name: string, lab?: string): boolean {
  return lab === undefined ? name.startsWith(resourcePrefix) : name.startsWith(`${resourcePrefix}${lab}.`);
}

/** A daemon pathspace (FRR's -N allows no dots): peerlab-<lab>.<node> becomes peerlab_<lab>_<node>. */
export function nodePathspace(lab: string, node: string): string {
  return resourceName(lab, node).replace(resourcePrefix, 'peerlab_').replace('.', '_');
}

/** The marker on every probe agent's command line: `down` finds agents of a lab whose controller vanished. */
export const agentMarker = (lab: string) => `--peerlab-probe=${lab}`;

/** Every lab keeps its files (configs, sockets, logs, state) under this folder, one subfolder per node. */
export const stateRoot = process.env.PEERLAB_STATE_DIR ?? '/run/peerlab';

export const labDir = (lab: string) => join(stateRoot, lab);
export const nodeHostDir = (lab: string, node: string) => join(stateRoot, lab, node);
