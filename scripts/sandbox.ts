// One partner router in its sandbox, its evidence printed as JSON (issue 21's groundwork):
//   npx tsx scripts/sandbox.ts <topology.yaml> <router> [--runtime netns|docker]
import { createRuntime } from '../src/runtime/select.js';
import { runSandbox } from '../src/sandbox/run.js';
import { loadTopology } from '../src/topology/load.js';

const [file, router] = process.argv.slice(2);
const at = process.argv.indexOf('--runtime');
if (!file || !router) {
  console.error('usage: scripts/sandbox.ts <topology.yaml> <router> [--runtime netns|docker]');
  process.exit(2);
}
const runtime = createRuntime(at > 0 ? process.argv[at + 1]! : 'netns');
const evidence = await runSandbox(await loadTopology(file), router, { runtime });
console.log(JSON.stringify(evidence, null, 2));
