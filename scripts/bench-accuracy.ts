// npm run bench:accuracy [-- --runs N --rates 1000,10000 --lengths 100,300,1000 --paths veth,lab]
// Blackholes of known length on a probe path, measured by the probe; reports measured minus injected
// outage. Two paths: `veth`, two bare namespaces joined by one veth (the probe's and the injector's own
// error), and `lab`, a host's access link in a small docker lab (adds the lab's queueing jitter: the
// packets in flight between a sender and the drop point when the fault starts or ends).
// The injected window runs from the middle of the apply to the middle of the revert (each one nft set
// update through a running nft session). Writes reports/bench-accuracy-<time>.json.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { injectFault, type FaultLab } from '../src/faults/inject.js';
import { planLinkBlackhole } from '../src/faults/plan.js';
import { selectLagDriver } from '../src/lab/lag/registry.js';
import { labDir } from '../src/runtime/identity.js';
import { startLab } from '../src/lab/up.js';
import { planFlows, probePort, type FlowPlan } from '../src/probe/flows.js';
import { analyzeCapture, labHosts, startProbe, type ProbeHosts } from '../src/probe/probe.js';
import { buildImage } from '../src/lab/image.js';
import { createRuntime } from '../src/runtime/select.js';
import type { Link } from '../src/topology/model.js';
import { loadTopology } from '../src/topology/load.js';
import { systemClock } from '../src/util/clock.js';
import { runCommand } from '../src/util/run.js';
import { formatTable } from '../src/util/table.js';
import { labsRemovedOnSignal } from './bench-signals.js';

// Whatever of its two labs exists when a signal arrives is removed (removing one that is not there is a no-op).
const labs = labsRemovedOnSignal();
labs.add('bench-veth').add('bench-accuracy');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    rates: { type: 'string', default: '1000,10000' },
    lengths: { type: 'string', default: '100,300,1000' },
    paths: { type: 'string', default: 'veth,lab' },
  },
});
const runs = Number(values.runs);
const rates = values.rates.split(',').map(Number);
const lengths = values.lengths.split(',').map(Number);
const paths = values.paths.split(',');

interface Path {
  name: string;
  hosts: ProbeHosts;
  faultLab: FaultLab;
  link: Pick<Link, 'id' | 'a' | 'b'>;
  flows: (rate: number) => FlowPlan[];
  close: () => Promise<void>;
}

/** Two namespaces and one veth, named as the netns runtime names a lab's nodes (so `peerlab down` finds them). */
async function vethPath(): Promise<Path> {
  const name = 'bench-veth';
  const ns = (node: string) => `peerlab-${name}.${node}`;
  const addr = { a: '198.18.255.0', b: '198.18.255.1' };
  const close = async () => {
    for (const node of ['a', 'b']) await runCommand(['ip', 'netns', 'del', ns(node)], { allowFailure: true });
    await rm(labDir(name), { recursive: true, force: true });
  };
  await close();
  try {
    for (const node of ['a', 'b'] as const) await runCommand(['ip', 'netns', 'add', ns(node)]);
    await runCommand([
      'ip',
      'link',
      'add',
      'name',
      'a0',
      'netns',
      ns('a'),
      'type',
      'veth',
      'peer',
      'name',
      'b0',
      'netns',
      ns('b'),
    ]);
    for (const node of ['a', 'b'] as const) {
      const run = (args: string[]) => runCommand(['ip', '-n', ns(node), ...args]);
      await run(['addr', 'add', `${addr[node]}/31`, 'dev', `${node}0`]);
      await run(['link', 'set', `${node}0`, 'up']);
      await run(['link', 'set', 'lo', 'up']);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const netnsPath = async (node: string) => `/run/netns/${ns(node)}`;
  const flow = (id: number, from: 'a' | 'b', to: 'a' | 'b', rate: number): FlowPlan => ({
    id,
    from,
    to,
    srcAddr: addr[from],
    srcPort: 40000 + id,
    dstAddr: addr[to],
    dstPort: probePort,
    rate,
  });
  return {
    name: 'veth',
    hosts: { name, netnsPath, dir: labDir(name) },
    faultLab: {
      name,
      runtime: { toolNamespaces: async (_lab, node) => [`--net=${await netnsPath(node)}`] },
      exec: () => Promise.reject(new Error('the veth path runs no node commands')),
    },
    link: { id: 'a0-b0', a: { node: 'a', interface: 'a0' }, b: { node: 'b', interface: 'b0' } },
    flows: (rate) => [flow(1, 'a', 'b', rate), flow(2, 'b', 'a', rate)],
    close,
  };
}

async function labPath(): Promise<Path> {
  await buildImage();
  const model = await loadTopology('test/fixtures/labs/small.yaml');
  const lab = await startLab(model, {
    name: 'bench-accuracy',
    runtime: createRuntime('docker'),
    lag: await selectLagDriver('auto'),
  });
  return {
    name: 'lab',
    hosts: labHosts(lab),
    faultLab: lab,
    link: model.links.find((l) => l.a.node === 'h1' || l.b.node === 'h1')!,
    flows: (rate) => planFlows(model, { rate, perPair: 1 }),
    close: () => lab.down(),
  };
}

const rows: {
  path: string;
  rate: number;
  lengthMs: number;
  injectedMs: number;
  measuredMs: number;
  errorMs: number;
  lost: number;
  uncertaintyMs: number;
}[] = [];
for (const pathName of paths) {
  const path = pathName === 'veth' ? await vethPath() : await labPath();
  try {
    for (const rate of rates) {
      for (const lengthMs of lengths) {
        for (let run = 0; run < runs; run++) {
          const probe = await startProbe(path.hosts, path.flows(rate));
          await systemClock.sleep(1000);
          const fault = await injectFault(path.faultLab, planLinkBlackhole(path.link, `acc${run}`));
          await systemClock.sleep(lengthMs - (systemClock.now() - fault.appliedAt));
          const revertStart = systemClock.now();
          const revertedAt = await fault.revert();
          await systemClock.sleep(1000);
          const stats = analyzeCapture(await probe.stop());
          const injectedMs = (revertStart + revertedAt) / 2 - (fault.applyingAt + fault.appliedAt) / 2;
          const uncertaintyMs = (revertedAt - revertStart + fault.appliedAt - fault.applyingAt) / 2;
          for (const f of stats) {
            const measuredMs = f.longestOutageMs;
            rows.push({
              path: path.name,
              rate,
              lengthMs,
              injectedMs,
              measuredMs,
              errorMs: measuredMs - injectedMs,
              lost: f.lost,
              uncertaintyMs,
            });
          }
        }
      }
    }
  } finally {
    await path.close();
  }
}

const summary = paths.flatMap((path) =>
  rates.flatMap((rate) =>
    lengths.map((lengthMs) => {
      const sel = rows.filter((r) => r.path === path && r.rate === rate && r.lengthMs === lengthMs);
      const errors = sel.map((r) => r.errorMs);
      const abs = errors.map(Math.abs).sort((a, b) => a - b);
      return {
        path,
        rate,
        lengthMs,
        samples: sel.length,
        meanInjectedMs: sel.reduce((s, r) => s + r.injectedMs, 0) / sel.length,
        meanErrorMs: errors.reduce((s, e) => s + e, 0) / errors.length,
        medianAbsErrorMs: abs[Math.floor(abs.length / 2)]!,
        maxAbsErrorMs: abs.at(-1)!,
        meanUncertaintyMs: sel.reduce((s, r) => s + r.uncertaintyMs, 0) / sel.length,
      };
    }),
  ),
);
console.log(
  formatTable(
    [
      'PATH',
      'PPS/FLOW',
      'BLACKHOLE ms',
      'SAMPLES',
      'INJECTED ms (mean)',
      'ERROR ms (mean)',
      '|ERROR| ms (median)',
      '|ERROR| ms (max)',
      '± COMMAND ms',
    ],
    summary.map((s) => [
      s.path,
      String(s.rate),
      String(s.lengthMs),
      String(s.samples),
      s.meanInjectedMs.toFixed(1),
      s.meanErrorMs.toFixed(2),
      s.medianAbsErrorMs.toFixed(2),
      s.maxAbsErrorMs.toFixed(2),
      s.meanUncertaintyMs.toFixed(1),
    ]),
  ),
);
await mkdir('reports', { recursive: true });
const file = `reports/bench-accuracy-${new Date().toISOString().replace(/[:.]/g, '')}.json`;
await writeFile(file, JSON.stringify({ runs, summary, rows }, null, 2));
console.log(`wrote ${file}`);
