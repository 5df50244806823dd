// npm run bench:scale [-- --metros 2,5,10,20 --runtime netns,docker]
// How cost grows with the lab: synthetic MAPS topologies of N metros (2 peer routers and 2 edge routers
// each, 280 service prefixes per edge session), brought up on each runtime. Per size: time to converged
// and where it went (each phase of `up`), teardown time, memory per router, the machine's peak memory
// while up, and a least-squares line of converged time and memory against the node count.
// Writes reports/bench-scale-<time>.json.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildImage } from '../src/lab/image.js';
import { selectLagDriver } from '../src/lab/lag/registry.js';
import { startLab } from '../src/lab/up.js';
import { createRuntime } from '../src/runtime/select.js';
import type { RuntimeKind } from '../src/runtime/select.js';
import { syntheticTopology } from '../src/topology/generate.js';
import { loadTopology } from '../src/topology/load.js';
import { formatTable } from '../src/util/table.js';
import { execa } from 'execa';
import { machineMemoryMiB, nodeMemoryMiB } from './bench-memory.js';
import { labsRemovedOnSignal } from './bench-signals.js';

const labs = labsRemovedOnSignal();

const { values } = parseArgs({
  options: {
    metros: { type: 'string', default: '2,5,10,20' },
    runtime: { type: 'string', default: 'netns,docker' },
    mininet: { type: 'boolean', default: false },
  },
});

/** y = a + b x, least squares. */
function fit(points: [number, number][]): { a: number; b: number } {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const b = sxx ? points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx : 0;
  return { a: my - b * mx, b };
}

const dir = await mkdtemp(join(tmpdir(), 'peerlab-scale-'));
await buildImage();
const lag = await selectLagDriver('auto');
const results = [];
const failures: { runtime: string; metros: number; nodes: number; error: string }[] = [];
try {
  for (const kind of values.runtime!.split(',') as RuntimeKind[]) {
    for (const metros of values.metros!.split(',').map(Number)) {
      const file = join(dir, `synthetic-${metros}.yaml`);
      await writeFile(file, syntheticTopology({ metros }));
      const model = await loadTopology(file);
      // The same graph in Mininet (hosts and veth links only): node and link instantiation compared.
      let mininet: { upS: number; downS: number } | undefined;
      if (values.mininet) {
        const graph = join(dir, `graph-${metros}.json`);
        await writeFile(
          graph,
          JSON.stringify({
            nodes: model.nodes.map((n) => n.name),
            links: model.links.map((l) => [l.a.node, l.b.node]),
          }),
        );
        mininet = JSON.parse((await execa('/usr/bin/python3', ['scripts/mininet-graph.py', graph])).stdout) as {
          upS: number;
          downS: number;
        };
      }
      const phases: { phase: string; at: number }[] = [];
      let peak = await machineMemoryMiB();
      const baseline = peak;
      const sampler = setInterval(() => void machineMemoryMiB().then((m) => (peak = Math.max(peak, m))), 500);
      const t0 = performance.now();
      try {
        labs.add(`scale-${metros}`);
        const lab = await startLab(model, {
          name: `scale-${metros}`,
          runtime: createRuntime(kind),
          lag,
          timeoutMs: 900_000,
          progress: (phase) => phases.push({ phase, at: performance.now() }),
        });
        const upS = (performance.now() - t0) / 1000;
        const routers = model.nodes.filter((n) => n.role !== 'host');
        const memory = [];
        try {
          for (const node of routers) memory.push(await nodeMemoryMiB(lab, node.name));
        } catch (error) {
          await lab.down();
          throw error;
        }
        clearInterval(sampler);
        const t1 = performance.now();
        await lab.down();
        labs.delete(lab.name);
        const downS = (performance.now() - t1) / 1000;
        const breakdown = Object.fromEntries(
          phases.map((p, i) => [p.phase, ((phases[i + 1]?.at ?? t0 + upS * 1000) - p.at) / 1000]),
        );
        const row = {
          runtime: kind,
          lag: lag.kind,
          metros,
          nodes: model.nodes.length,
          routers: routers.length,
          links: model.links.length,
          upS,
          downS,
          breakdown,
          routerMiB: memory.reduce((a, b) => a + b, 0) / memory.length,
          peakMiB: peak - baseline,
          ...(mininet ? { mininet } : {}),
        };
        results.push(row);
        console.error(JSON.stringify(row));
      } catch (error) {
        // A size this machine cannot bring up is a result too: recorded, and the next size is tried.
        const message = (error as Error).message.split('\n')[0]!;
        failures.push({ runtime: kind, metros, nodes: model.nodes.length, error: message });
        console.error(JSON.stringify(failures.at(-1)));
      } finally {
        clearInterval(sampler);
      }
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const short: Record<string, string> = {
  'creating nodes': 'nodes',
  'wiring links': 'links',
  'bonding LAGs': 'bonds',
  'negotiating LACP': 'LACP',
  'starting routing daemons': 'daemons',
  'waiting for LACP, BFD, BGP and reachability': 'converge',
};
console.log(
  formatTable(
    [
      'runtime',
      'metros',
      'nodes',
      'links',
      'converged s',
      'nodes / links / bonds / LACP / daemons / converge s',
      'down s',
      'MiB per router',
      'peak MiB',
    ],
    results.map((r) => [
      r.runtime,
      String(r.metros),
      String(r.nodes),
      String(r.links),
      r.upS.toFixed(1),
      Object.keys(short)
        .map((k) => (r.breakdown[k] ?? 0).toFixed(1))
        .join(' / '),
      r.downS.toFixed(1),
      r.routerMiB.toFixed(0),
      r.peakMiB.toFixed(0),
    ]),
  ),
);
for (const r of results.filter((x) => x.mininet))
  console.log(
    `${r.runtime} ${r.nodes} nodes / ${r.links} links: peerlab nodes + links ${((r.breakdown['creating nodes'] ?? 0) + (r.breakdown['wiring links'] ?? 0)).toFixed(2)} s, Mininet ${r.mininet!.upS.toFixed(2)} s (down ${r.mininet!.downS.toFixed(2)} s)`,
  );
for (const kind of new Set(results.map((r) => r.runtime))) {
  const mine = results.filter((r) => r.runtime === kind);
  if (mine.length < 2) continue;
  const up = fit(mine.map((r) => [r.nodes, r.upS]));
  const mem = fit(mine.map((r) => [r.nodes, r.peakMiB]));
  console.log(
    `${kind}: converged s = ${up.a.toFixed(1)} + ${up.b.toFixed(3)} x nodes; peak MiB = ${mem.a.toFixed(0)} + ${mem.b.toFixed(1)} x nodes`,
  );
}
for (const f of failures) console.log(`${f.runtime} ${f.metros} metros (${f.nodes} nodes): not up: ${f.error}`);
await mkdir('reports', { recursive: true });
const out = `reports/bench-scale-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z')}.json`;
await writeFile(out, JSON.stringify({ results, failures }, null, 2));
console.log(out);
