import type { NodeInterface } from '../../topology/model.js';

export type LagDriverKind = 'kernel' | 'ovs';

export interface Bond {
  name: string;
  address: string;
  members: string[];
}

/** Commands (argument arrays) that make a node's bonds; `runDir` is the node's private state folder. */
export interface LagDriver {
  readonly kind: LagDriverKind;
  setup(bonds: Bond[], runDir: string): string[][];
}

export function bondsOf(interfaces: NodeInterface[]): Bond[] {
  return interfaces
    .filter((i) => i.kind === 'bond')
    .map((b) => ({
      name: b.name,
      address: b.address!,
      members: interfaces.filter((m) => m.bond === b.name).map((m) => m.name),
    }));
}
