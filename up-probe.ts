import { DockerRuntime } from './src/runtime/docker.js';
import { ovsLag } from './src/lab/lag/ovs.js';
import { startLab } from './src/lab/up.js';
import { loadTopology } from './src/topology/load.js';
const model = await loadTopology(process.argv[2]!);
const t0 = Date.now();
try { await startLab(model, { runtime: new DockerRuntime(), lag: ovsLag, timeoutMs: Number(process.argv[3] ?? 120000), keep: process.argv[4]==='keep', progress: (p) => console.log(((Date.now()-t0)/1000).toFixed(1), p) }); console.log('converged in', (Date.now()-t0)/1000); }
catch (e) { console.log('ERR', (e as Error).message); }
