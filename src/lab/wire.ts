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
  const commands: string[][] = [['ip', 'link', 'set', 'lo', 'up']];
  for (const link of model.links) {
    const names = vethNames(lab, link.id);
    for (const [end, temp] of [
      [link.a, names.a],
      [link.b, names.b],
    ] as const) {
      if (end.node !== node) continue;
      commands.push(
        ['ip', 'link', 'set', temp, 'name', end.interface],
        ...interfaceCommands(model, node, end.interface),
      );
    }
  }
  return commands;
}

/** Address and state of one link end that already has its final name (as containerlab creates them). */
export function interfaceCommands(model: LabModel, node: string, iface: string): string[][] {
  const spec = model.nodes.find((n) => n.name === node)!.interfaces.find((i) => i.name === iface);
  return [
    ...(spec?.address ? [['ip', 'addr', 'add', spec.address, 'dev', iface]] : []),
    // Bond members are brought up by the LAG driver once enslaved.
    ...(spec?.kind !== 'member' ? [['ip', 'link', 'set', iface, 'up']] : []),
  ];
}

/** A host gets its address and a default route toward its core, nothing else. */
export function hostCommands(node: LabNode): string[][] {
  return node.routes.map((r) => ['ip', 'route', 'add', r.prefix === '0.0.0.0/0' ? 'default' : r.prefix, 'via', r.via]);
}
