import type { LabModel, LabNode } from '../topology/model.js';

/**
 * `ip -batch` lines run on the host: each link a veth pair created with its final names straight in its
 * two nodes (one kernel operation per link; nothing of the lab ever sits in the host's namespace).
 *
 * The two ends get different interface indexes: the kernel reports a carrier change at once only for a
 * device whose index differs from its peer's (`linkwatch_urgent_event`), and batches the others once a
 * second. Namespaces number their devices alike, so without this the second member of a LAG that lost
 * both was seen to lose carrier a second after the first, where hardware reports each port at once.
 */
export function hostWiringBatch(model: LabModel, targets: Map<string, string>): string {
  return model.links
    .map(
      (link, i) =>
        `link add name ${link.a.interface} index ${firstLinkIndex + 2 * i} netns ${targets.get(link.a.node)} type veth peer name ${link.b.interface} index ${firstLinkIndex + 2 * i + 1} netns ${targets.get(link.b.node)}`,
    )
    .join('\n');
}

/** Above what a fresh namespace numbers its own devices (lo is 1; drivers add a few per bond). */
const firstLinkIndex = 1000;

/** Commands run inside `node`: the address and state of each of its link ends. */
export function nodeWiringCommands(model: LabModel, node: string): string[][] {
  const commands: string[][] = [['ip', 'link', 'set', 'lo', 'up']];
  for (const link of model.links)
    for (const end of [link.a, link.b])
      if (end.node === node) commands.push(...interfaceCommands(model, node, end.interface));
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

/** A step of a node's setup: one command, or a run of `ip` commands as the lines of one `ip -batch` file. */
export type SetupStep = { argv: string[] } | { batch: string; count: number };

/**
 * Group consecutive `ip` commands into batches: one process per run of them instead of one per command
 * (an exec into a node costs milliseconds; a lab's wiring is a few commands per interface). `ip -batch`
 * stops at the first failing line, as running them one by one would.
 */
export function setupSteps(commands: readonly string[][]): SetupStep[] {
  const steps: SetupStep[] = [];
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 1) steps.push({ argv: ['ip', ...lines[0]!.split(' ')] });
    else if (lines.length) steps.push({ batch: `${lines.join('\n')}\n`, count: lines.length });
    lines = [];
  };
  for (const argv of commands) {
    // A batch line is split on blanks and may hold quotes and comments: only plain words go into one.
    if (argv[0] === 'ip' && argv.length > 1 && argv.slice(1).every((a) => /^[^\s"'#\\]+$/.test(a)))
      lines.push(argv.slice(1).join(' '));
    else {
      flush();
      steps.push({ argv: [...argv] });
    }
  }
  flush();
  return steps;
}
