// npm run bench:accuracy [-- --runs N --rates 1000,10000 --lengths 100,300,1000]
// Blackholes of known length on a probe path (a host's access link in a small lab: no BFD or BGP
// watches it), measured by the probe; reports measured minus injected outage. The injected window runs
// from the middle of the apply command to the middle of the revert command (each a single nft transaction).
// Writes reports/bench-accuracy-<time>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { injectFault } from '../src/faults/inject.js';
import { planLinkBlackhole } from '../src/faults/primitives.js';
import { selectLagDriver } from '../src/lab/lag/select.js';
import { startLab } from '../src/lab/up.js';
import { planFlows } from '../src/probe/flows.js';
import { analyzeCapture, labHosts, startProbe } from '../src/probe/probe.js';
import { buildImage } from '../src/runtime/image.js';
import { createRuntime } from '../src/runtime/select.js';
import { loadTopology } from '../src/topology/load.js';
import { systemClock } from '../src/util/clock.js';
import { formatTable } from '../src/util/table.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    rates: { type: 'string', default: '1000,10000' },
    lengths: { type: 'string', default: '100,300,1000' },
  },
});
const runs = Number(values.runs);
const rates = values.rates.split(',').map(Number);
const lengths = values.lengths.split(',').map(Number);

await buildImage();
const model = await loadTopology('test/fixtures/labs/small.yaml');
const lab = await startLab(model, {
  name: 'bench-accuracy',
  runtime: createRuntime('docker'),
  lag: await selectLagDriver('auto'),
});
const rows: {
  rate: number;
  lengthMs: number;
  injectedMs: number;
  measuredMs: number;
  errorMs: number;
  lost: number;
  uncertaintyMs: number;
}[] = [];
try {
  const access = model.links.find((l) => l.a.node === 'h1' || l.b.node === 'h1')!;
  for (const rate of rates) {
    for (const lengthMs of lengths) {
      for (let run = 0; run < runs; run++) {
        const flows = planFlows(model, { rate, perPair: 1 });
        const probe = await startProbe(labHosts(lab), flows);
        await systemClock.sleep(1000);
        const fault = await injectFault(lab, planLinkBlackhole(access, `acc${run}`));
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
  await lab.down();
}

const summary = rates.flatMap((rate) =>
  lengths.map((lengthMs) => {
    const sel = rows.filter((r) => r.rate === rate && r.lengthMs === lengthMs);
    const errors = sel.map((r) => r.errorMs);
    const abs = errors.map(Math.abs).sort((a, b) => a - b);
    return {
      rate,
      lengthMs,
      samples: sel.length,
      meanInjectedMs: sel.reduce((s, r) => s + r.injectedMs, 0) / sel.length,
      meanErrorMs: errors.reduce((s, e) => s + e, 0) / errors.length,
      maxAbsErrorMs: abs.at(-1)!,
      meanUncertaintyMs: sel.reduce((s, r) => s + r.uncertaintyMs, 0) / sel.length,
    };
  }),
);
console.log(
  formatTable(
    [
      'PPS/FLOW',
      'BLACKHOLE ms',
      'SAMPLES',
      'INJECTED ms (mean)',
      'ERROR ms (mean)',
      '|ERROR| ms (max)',
      '± COMMAND ms',
    ],
    summary.map((s) => [
      String(s.rate),
      String(s.lengthMs),
      String(s.samples),
      s.meanInjectedMs.toFixed(1),
      s.meanErrorMs.toFixed(2),
      s.maxAbsErrorMs.toFixed(2),
      s.meanUncertaintyMs.toFixed(1),
    ]),
  ),
);
await mkdir('reports', { recursive: true });
const file = `reports/bench-accuracy-${new Date().toISOString().replace(/[:.]/g, '')}.json`;
await writeFile(file, JSON.stringify({ runs, summary, rows }, null, 2));
console.log(`wrote ${file}`);
