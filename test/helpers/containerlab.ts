import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';

interface ClabNode {
  image: string;
  labels: Record<string, string>;
  binds: string[];
  cmd: string;
  sysctls: Record<string, string>;
  devices: string[];
  'cap-add': string[];
}

/**
 * What `containerlab deploy` does with an exported file, done with docker and ip as containerlab does it
 * (containerlab itself cannot be installed here): one container per node named clab-<lab>-<node> with the
 * file's labels (and containerlab's own), binds, sysctls and cmd; then a veth pair per link, its ends moved
 * into the two containers and named as the endpoints say. The nodes' start.sh does the rest.
 */
export async function deployLikeContainerlab(dir: string, file: string): Promise<string> {
  const clab = parse(await readFile(join(dir, file), 'utf8')) as {
    name: string;
    topology: { nodes: Record<string, ClabNode>; links: { endpoints: [string, string] }[] };
  };
  const pids = new Map<string, string>();
  for (const [name, node] of Object.entries(clab.topology.nodes)) {
    const container = `clab-${clab.name}-${name}`;
    const [bindFrom, bindTo] = node.binds[0]!.split(':');
    await execa('docker', [
      'run',
      '-d',
      '--name',
      container,
      '--network',
      'none',
      '--hostname',
      name,
      ...Object.entries({ ...node.labels, containerlab: clab.name, 'clab-node-name': name }).flatMap(([k, v]) => [
        '--label',
        `${k}=${v}`,
      ]),
      ...Object.entries(node.sysctls).flatMap(([k, v]) => ['--sysctl', `${k}=${v}`]),
      ...node['cap-add'].flatMap((c) => ['--cap-add', c]),
      ...node.devices.flatMap((d) => ['--device', d]),
      '-v',
      `${join(dir, bindFrom!)}:${bindTo}`,
      node.image,
      ...node.cmd.split(' '),
    ]);
    pids.set(name, (await execa('docker', ['inspect', '-f', '{{.State.Pid}}', container])).stdout.trim());
  }
  for (const [i, link] of clab.topology.links.entries()) {
    const [[a, ifA], [b, ifB]] = link.endpoints.map((e) => e.split(':')) as [[string, string], [string, string]];
    const [tmpA, tmpB] = [`clt${i}a`, `clt${i}b`];
    await execa('ip', ['link', 'add', tmpA, 'type', 'veth', 'peer', 'name', tmpB]);
    await execa('ip', ['link', 'set', tmpA, 'netns', pids.get(a)!]);
    await execa('ip', ['link', 'set', tmpB, 'netns', pids.get(b)!]);
    await execa('nsenter', ['-t', pids.get(a)!, '-n', 'ip', 'link', 'set', tmpA, 'name', ifA]);
    await execa('nsenter', ['-t', pids.get(b)!, '-n', 'ip', 'link', 'set', tmpB, 'name', ifB]);
  }
  return clab.name;
}

/** containerlab destroy's part: the lab's containers (their links go with their namespaces). */
export async function destroyLikeContainerlab(lab: string): Promise<void> {
  const ids = (await execa('docker', ['ps', '-aq', '--filter', `label=peerlab.lab=${lab}`])).stdout.split('\n');
  if (ids.some(Boolean)) await execa('docker', ['rm', '-f', ...ids.filter(Boolean)]);
}
