import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import { parse } from 'yaml';
import type { RunReport } from '../src/scenario/results.js';
import { containerlabExport } from '../src/lab/export/containerlab.js';
import { ovsLag } from '../src/lab/lag/ovs/index.js';
import { agentMarker, labDir } from '../src/runtime/identity.js';
import { loadTopology } from '../src/topology/load.js';
import { peerlab } from './helpers/fixtures.js';
import { faultResidue, leftovers } from './helpers/labs.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

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
async function deployLikeContainerlab(dir: string, file: string): Promise<string> {
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

test.serial(
  'peerlab run --attach: a lab deployed from peerlab export the way containerlab deploys it (its names, its labels) converges and runs a reference scenario',
  async (t) => {
    t.timeout(600_000);
    const dir = await tempDir(t, 'attach');
    // Kernel bonds are the export's default; this host has none, so the nodes make OVS LAGs (--lag-driver ovs).
    const model = await loadTopology(join(root, 'topologies/maps-voice.yaml'));
    const files = containerlabExport({ ...model, name: 'e2e-clab' }, ovsLag);
    for (const f of files) {
      await mkdir(join(dir, f.path, '..'), { recursive: true });
      await writeFile(join(dir, f.path), f.text, { mode: f.mode ?? 0o644 });
    }
    const lab = await deployLikeContainerlab(dir, files[0]!.path);
    try {
      t.is(lab, 'e2e-clab');
      const run = await peerlab(
        'run',
        'scenarios/voice-lag-member.yaml',
        '--attach',
        lab,
        '--lag-driver',
        'ovs',
        '--report-dir',
        join(dir, 'report'),
      );
      t.log(run.stdout.split('\n').slice(-8).join('\n'));
      // Passes, or (a host too busy to measure it) is inconclusive with exit 3: never a FAIL of a correct lab.
      t.true([0, 3].includes(run.exitCode ?? -1), `${run.stdout.slice(-3000)}\n${run.stderr}`);
      const report = JSON.parse(await readFile(join(dir, 'report/run.json'), 'utf8')) as RunReport;
      t.deepEqual(
        report.labs.map(({ calibration: _, ...l }) => l),
        [{ topology: 'topologies/maps-voice.yaml', name: 'e2e-clab', upMs: 0 }],
      );
      t.true((report.labs[0]!.calibration?.steps.length ?? 0) > 0, 'the attached lab measured itself first');
      t.is(report.scenarios[0]!.verdict, run.exitCode === 0 ? 'pass' : 'inconclusive');
      const names = (await execa('docker', ['ps', '--format', '{{.Names}}', '--filter', 'label=peerlab.lab=e2e-clab']))
        .stdout;
      t.is(
        names.split('\n').filter((n) => n.startsWith('clab-e2e-clab-')).length,
        model.nodes.length,
        'not ours: left running',
      );
      // What peerlab itself leaves on a lab it only attached to, seen while the lab still runs: nothing.
      t.false(existsSync(labDir(lab)), 'no state folder of the attached lab');
      const agents = await execa('pgrep', ['-f', '--', `${agentMarker(lab)}$`], { reject: false });
      t.is(agents.exitCode, 1, `no probe agent left: ${agents.stdout}`);
      t.deepEqual(
        await faultResidue(
          lab,
          model.nodes.map((n) => n.name),
          (node, argv) => execa('docker', ['exec', `clab-${lab}-${node}`, ...argv]),
        ),
        [],
        'every fault reverted in the attached lab',
      );
      const missing = await peerlab('run', 'scenarios/voice-lag-member.yaml', '--attach', 'no-such-lab');
      t.is(missing.exitCode, 2);
      t.regex(missing.stderr, /cannot attach to lab "no-such-lab": no container is labelled peerlab\.lab=no-such-lab/);
    } finally {
      // containerlab destroy's part: the containers (their links go with their namespaces).
      const ids = (await execa('docker', ['ps', '-aq', '--filter', 'label=peerlab.lab=e2e-clab'])).stdout.split('\n');
      if (ids.some(Boolean)) await execa('docker', ['rm', '-f', ...ids.filter(Boolean)]);
    }
    t.deepEqual(await leftovers(lab), []);
  },
);
