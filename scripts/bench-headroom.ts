// npm run bench:headroom [-- --topology topologies/maps-voice.yaml --runtime docker --rates 100,250,500,1000,2000 --flows-per-pair 2 --seconds 10]
// The forwarding ceiling of a reference lab on this machine: probe traffic only (no fault) at rising rates
// per flow, and at each the probe's RTT p50/p99, loss and where the CPU went (OVS, routing daemons, probe
// agents, the rest). The ceiling is the highest rate whose RTT p99 stays under 10 ms with no loss.
// Writes reports/bench-headroom-<time>.json.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { up } from '../src/index.js';
import { newRunReport, runOnLab } from '../src/scenario/suite.js';
import type { Scenario } from '../src/scenario/model.js';
import { formatTable } from '../src/util/table.js';
import { labsRemovedOnSignal } from './bench-signals.js';

const { values } = parseArgs({
  options: {
    topology: { type: 'string', default: 'topologies/maps-voice.yaml' },
    runtime: { type: 'string', default: 'docker' },
    rates: { type: 'string', default: '100,250,500,1000,2000' },
    'flows-per-pair': { type: 'string', default: '2' },
    seconds: { type: 'string', default: '10' },
  },
});
const rates = values.rates!.split(',').map(Number);
const perPair = Number(values['flows-per-pair']);
const holdMs = Number(values.seconds) * 1000;

/** Busy ticks of the whole machine (softirq included, which no process is charged for). */
async function busyTicks(): Promise<number> {
  const [, ...f] = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/);
  const n = f.map(Number);
  return n.reduce((a, b) => a + b, 0) - n[3]! - n[4]!;
}

/** CPU ticks per process class, host-wide (every lab process is a host process, containers included). */
async function cpuTicks(): Promise<Map<string, number>> {
  const ticks = new Map<string, number>();
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const used = Number(fields[11]) + Number(fields[12]);
      const cls = /^ovs-vswitchd|^ovsdb|^handler|^revalidator|^urcu|^pmd/.test(comm)
        ? 'ovs'
        : /^(zebra|bgpd|bfdd|staticd|mgmtd|bird|watchfrr)/.test(comm)
          ? 'routing'
          : /^node|^MainThread/.test(comm)
            ? 'node (probe, peerlab)'
            : 'other';
      ticks.set(cls, (ticks.get(cls) ?? 0) + used);
    } catch {
      // the process ended between readdir and read
    }
  }
  return ticks;
}

const labs = labsRemovedOnSignal();
labs.add('bench-headroom');
const lab = await up(values.topology!, { runtime: values.runtime as 'docker' | 'netns', name: 'bench-headroom' });
const rows: Record<string, unknown>[] = [];
try {
  for (const rate of rates) {
    const scenario: Scenario = {
      name: `headroom ${rate} pps per flow`,
      file: '(bench:headroom)',
      topology: lab.model.source,
      covers: [],
      probe: { rate, perPair },
      steps: [{ kind: 'hold', ms: holdMs }],
      expect: [],
    };
    const report = newRunReport(lab.runtime.kind, lab.lag.kind);
    const before = await cpuTicks();
    const busyBefore = await busyTicks();
    const started = performance.now();
    await runOnLab(lab, [scenario], report, { calibrate: false });
    const seconds = (performance.now() - started) / 1000;
    const after = await cpuTicks();
    const busy = Math.round((await busyTicks()) - busyBefore) / seconds;
    const attempt = report.scenarios[0]!.attempts[0]!;
    const rtts = attempt.flows.flatMap((f) => (f.rttMs.all ? [f.rttMs.all] : []));
    const sent = attempt.flows.reduce((s, f) => s + f.sent, 0);
    const lost = attempt.flows.reduce((s, f) => s + f.lost, 0);
    const cpu = Object.fromEntries(
      [...after].map(([cls, t]) => [cls, Math.round((t - (before.get(cls) ?? 0)) / seconds)]),
    ); // % of one core (100 ticks per second)
    rows.push({
      ratePerFlow: rate,
      flows: attempt.flows.length,
      totalPps: rate * attempt.flows.length,
      rttP50: Math.max(...rtts.map((r) => r.p50)),
      rttP99: Math.max(...rtts.map((r) => r.p99)),
      lostShare: sent ? lost / sent : 0,
      cpu,
      machineBusy: Math.round(busy),
    });
    console.log(JSON.stringify(rows.at(-1)));
  }
} finally {
  await lab.down();
}
const ceiling = rows.filter((r) => (r.rttP99 as number) < 10 && (r.lostShare as number) === 0).at(-1);
console.log(
  formatTable(
    [
      'pps per flow',
      'flows',
      'pps in the lab',
      'RTT p50 ms (worst flow)',
      'RTT p99 ms (worst flow)',
      'lost',
      'CPU % of a core: ovs / routing / node / other',
    ],
    rows.map((r) => {
      const cpu = r.cpu as Record<string, number>;
      return [
        String(r.ratePerFlow),
        String(r.flows),
        String(r.totalPps),
        (r.rttP50 as number).toFixed(1),
        (r.rttP99 as number).toFixed(1),
        `${((r.lostShare as number) * 100).toFixed(2)}%`,
        ['ovs', 'routing', 'node (probe, peerlab)', 'other'].map((k) => cpu[k] ?? 0).join(' / '),
        String(r.machineBusy),
      ];
    }),
  ),
);
console.log(
  `ceiling (RTT p99 < 10 ms, no loss): ${ceiling ? `${String(ceiling.ratePerFlow)} pps per flow, ${String(ceiling.totalPps)} pps in the lab` : 'below the lowest rate tried'}`,
);
await mkdir('reports', { recursive: true });
const file = `reports/bench-headroom-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z')}.json`;
await writeFile(
  file,
  JSON.stringify({ topology: values.topology, runtime: values.runtime, perPair, holdMs, rows }, null, 2),
);
console.log(file);
