// npm run bench:deploy [-- --runs N --runtime docker,netns --topology topologies/maps-voice.yaml,...]
// For each reference topology and runtime: time from start to converged and to torn down (min/median/max
// over N runs), and memory per router node once converged. Writes reports/bench-deploy-<time>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildImage } from '../src/lab/image.js';
import { createRuntime } from '../src/runtime/select.js';
import type { RuntimeKind } from '../src/runtime/select.js';
import { selectLagDriver } from '../src/lab/lag/registry.js';
import { startLab } from '../src/lab/up.js';
import { loadTopology } from '../src/topology/load.js';
import { formatTable } from '../src/util/table.js';
import { nodeMemoryMiB } from './bench-memory.js';
import { labsRemovedOnSignal } from './bench-signals.js';

const labs = labsRemovedOnSignal();

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    runtime: { type: 'string', default: 'docker,netns' },
    topology: {
      type: 'string',
      default: 'topologies/maps-direct.yaml,topologies/maps-voice.yaml,topologies/maps-ers.yaml',
    },
  },
});
const runs = Number(values.runs);

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s.at(-1)! };
};
const fmt = (xs: number[]) => {
  const { min, median, max } = stats(xs);
  return `${min.toFixed(1)} / ${median.toFixed(1)} / ${max.toFixed(1)}`;
};

await buildImage();
const results = [];
for (const file of values.topology!.split(',')) {
  const model = await loadTopology(file);
  for (const kind of values.runtime!.split(',') as RuntimeKind[]) {
    const up: number[] = [];
    const down: number[] = [];
    const memory: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const runtime = createRuntime(kind);
      const t0 = performance.now();
      labs.add(`bench-${run}`);
      const lab = await startLab(model, {
        name: `bench-${run}`,
        runtime,
        lag: await selectLagDriver('auto'),
        timeoutMs: 300_000,
      });
      up.push((performance.now() - t0) / 1000);
      for (const node of model.nodes.filter((n) => n.role !== 'host')) memory.push(await nodeMemoryMiB(lab, node.name));
      const t1 = performance.now();
      await lab.down();
      labs.delete(lab.name);
      down.push((performance.now() - t1) / 1000);
      console.error(
        `${model.name} ${kind} run ${run}: converged ${up.at(-1)!.toFixed(1)} s, down ${down.at(-1)!.toFixed(1)} s`,
      );
    }
    results.push({
      topology: model.name,
      runtime: kind,
      lag: (await selectLagDriver('auto')).kind,
      nodes: model.nodes.length,
      up,
      down,
      memoryMiB: memory,
    });
  }
}
const rows = results.map((r) => [
  r.topology,
  r.runtime,
  r.lag,
  String(r.nodes),
  fmt(r.up),
  fmt(r.down),
  stats(r.memoryMiB).median.toFixed(0),
]);
console.log(
  formatTable(
    ['TOPOLOGY', 'RUNTIME', 'LAG', 'NODES', 'CONVERGED s (min/med/max)', 'DOWN s (min/med/max)', 'MiB/ROUTER (median)'],
    rows,
  ),
);
await mkdir('reports', { recursive: true });
await writeFile(
  `reports/bench-deploy-${new Date().toISOString().replace(/[:.]/g, '')}.json`,
  JSON.stringify({ runs, results }, null, 2),
);
