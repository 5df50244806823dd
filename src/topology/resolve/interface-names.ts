import type { Interconnect, LabNode, NodeInterface } from '../model.js';
import type { LabBuilder } from './builder.js';

/**
 * Two sources must never make one interface name on a node (a LAG named like a core link, two LAGs
 * whose metro and interconnect names join to the same string): up would fail half-way.
 */
export function checkInterfaceNames(lab: LabBuilder): void {
  for (const node of lab.nodes.values()) {
    const seen = new Map<string, { source: string; ic?: Interconnect }>();
    for (const iface of node.interfaces) {
      const previous = seen.get(iface.name);
      const ic = lagOf(lab.interconnects, node, iface, previous?.ic);
      const source = ic ? `the LAG of interconnect ${ic.id}` : `its link to ${iface.name.slice(2)}`;
      if (previous) {
        const at = ic ?? previous.ic;
        lab.fail(
          `${node.name} would have two interfaces named "${iface.name}": ${previous.source} and ${source}; rename a metro or an interconnect`,
          at ? ['metros', at.metro, 'interconnects'] : ['metros'],
          at?.name,
        );
      }
      seen.set(iface.name, { source, ...(ic ? { ic } : {}) });
    }
  }
}

/** The interconnect (other than `other`) whose LAG on `node` the interface is, or one of its members. */
function lagOf(
  interconnects: Interconnect[],
  node: LabNode,
  iface: NodeInterface,
  other: Interconnect | undefined,
): Interconnect | undefined {
  return interconnects.find(
    (i) =>
      (i.peerRouter === node.name || i.edgeRouter === node.name) &&
      (iface.name === i.lag.interface || iface.bond === i.lag.interface) &&
      i !== other,
  );
}
