import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import type { RunReport } from '../src/scenario/results.js';
import { containerlabExport } from '../src/lab/export/containerlab.js';
import { ovsLag } from '../src/lab/lag/ovs/index.js';
import { agentMarker, labDir } from '../src/runtime/identity.js';
import { loadTopology } from '../src/topology/load.js';
import { deployLikeContainerlab, destroyLikeContainerlab } from './helpers/containerlab.js';
import { peerlab } from './helpers/fixtures.js';
import { faultResidue, leftovers } from './helpers/labs.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

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
      await destroyLikeContainerlab('e2e-clab');
    }
    t.deepEqual(await leftovers(lab), []);
  },
);
