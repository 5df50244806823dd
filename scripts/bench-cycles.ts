// npm run bench:cycles [-- --cycles 15 --topology topologies/maps-voice.yaml --runtime netns]
// up/down cycles of one lab: time per cycle, and what the host holds after each (namespaces, host
// links, open files, FRR crash-log folders, processes), which must not grow. Writes reports/bench-cycles-<time>.json.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { formatTable } from '../src/util/table.js';
import { labsRemovedOnSignal } from './bench-signals.js';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '15' },
    topology: { type: 'string', default: 'topologies/maps-voice.yaml' },
    runtime: { type: 'string', default: 'netns' },
  },
});
const labs = labsRemovedOnSignal();

async function holdings() {
  await new Promise((r) => setTimeout(r, 1000)); // let the last processes of down exit
  const count = async (argv: string[]) =>
    (await execa(argv[0]!, argv.slice(1))).stdout.split('\n').filter(Boolean).length;
  return {
    namespaces: await count(['ip', 'netns', 'list']),
    hostLinks: await count(['ip', '-o', 'link', 'show']),
    openFiles: Number((await readFile('/proc/sys/fs/file-nr', 'utf8')).split(/\s+/)[0]),
    frrFolders: (await readdir('/var/tmp/frr').catch(() => [])).length,
    // User processes (kernel threads have no command line), the benchmark's own included.
    processes: (
      await Promise.all(
        (await readdir('/proc'))
          .filter((p) => /^\d+$/.test(p))
          .map((p) => readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '')),
      )
    ).filter(Boolean).length,
  };
}

const rows = [];
const start = await holdings();
for (let i = 1; i <= Number(values.cycles); i++) {
  const name = `cycle-${i}`;
  labs.add(name);
  const t0 = performance.now();
  await execa('./bin/peerlab.js', ['up', values.topology!, '--name', name, '--runtime', values.runtime!]);
  const upS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await execa('./bin/peerlab.js', ['down', name]);
  const downS = (performance.now() - t1) / 1000;
  labs.delete(name);
  rows.push({ cycle: i, upS, downS, ...(await holdings()) });
  console.error(JSON.stringify(rows.at(-1)));
}
console.log(
  formatTable(
    ['cycle', 'up s', 'down s', 'namespaces', 'host links', 'open files', '/var/tmp/frr', 'processes'],
    [
      ['before', '', '', ...Object.values(start).map(String)],
      ...rows.map((r) => [
        String(r.cycle),
        r.upS.toFixed(1),
        r.downS.toFixed(1),
        ...[r.namespaces, r.hostLinks, r.openFiles, r.frrFolders, r.processes].map(String),
      ]),
    ],
  ),
);
await mkdir('reports', { recursive: true });
const out = `reports/bench-cycles-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z')}.json`;
await writeFile(out, JSON.stringify({ topology: values.topology, runtime: values.runtime, start, rows }, null, 2));
console.log(out);
