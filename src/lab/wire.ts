import { vethNames } from '../runtime/identity.js';
import type { LabModel, LabNode } from '../topology/model.js';

/** `ip -batch` lines run on the host: create each pair and move its ends into their nodes. */
export function hostWiringBatch(lab: string, model: LabModel, targets: Map<string, string>): string {
  return model.links
    .flatMap((link) => {
      const { a, b } = vethNames(lab, link.id);
      return [
        `link add ${a} type veth peer name ${b}`,
        `link set ${a} netns ${targets.get(link.a.node)}`,
        `link set ${b} netns ${targets.get(link.b.node)}`,
      ];
    })
    .join('\n');
}

/** Commands run inside `node`: give each moved end its final name, address and state. */
export function nodeWiringCommands(lab: string, model: LabModel, node: string): string[][] {
  const ifaces = new Map(model.nodes.find((n) => n.name === node)!.interfaces.map((i) => [i.name, i]));
  const commands: string[][] = [['ip', 'link', 'set', 'lo', 'up']];
  for (const link of model.links) {
    const names = vethNames(lab, link.id);
    for (const [end, temp] of [
      [link.a, names.a],
      [link.b, names.b],
    ] as const) {
      if (end.node !== node) continue;
      commands.push(['ip', 'link', 'set', temp, 'name', end.interface]);
      const address = ifaces.get(end.interface)?.address;
      if (address) commands.push(['ip', 'addr', 'add', address, 'dev', end.interface]);
      // Bond members are brought up by the LAG driver once enslaved.
      if (ifaces.get(end.interface)?.kind !== 'member') commands.push(['ip', 'link', 'set', end.interface, 'up']);
    }
  }
  return commands;
}

/** A host gets its address and a default route toward its core, nothing else. */
export function hostCommands(node: LabNode): string[][] {
  return node.routes.map((r) => ['ip', 'route', 'add', r.prefix === '0.0.0.0/0' ? 'default' : r.prefix, 'via', r.via]);
}
