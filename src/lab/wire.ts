import { createHash } from 'node:crypto';
import type { LabModel, Link } from '../topology/model.js';

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/** Host-side veth names carry the lab's hash, so leftovers of a crashed run can be found and removed. */
export function vethPrefix(lab: string): string {
  return `pl${hash(lab, 4)}`;
}

export function vethNames(lab: string, link: Link): { a: string; b: string } {
  const base = `${vethPrefix(lab)}${hash(link.id, 6)}`;
  return { a: `${base}a`, b: `${base}b` };
}

/** `ip -batch` lines run on the host: create each pair and move its ends into their nodes. */
export function hostWiringBatch(lab: string, model: LabModel, targets: Map<string, string>): string {
  return model.links
    .flatMap((link) => {
      const { a, b } = vethNames(lab, link);
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
    const names = vethNames(lab, link);
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
