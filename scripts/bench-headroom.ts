// npm run bench:headroom [-- --topology topologies/maps-voice.yaml --runtime docker --lag-driver ovs,nft --rates 100,250,500,1000,2000 --flows-per-pair 2 --seconds 10]
// The forwarding ceiling of a reference lab on this machine: probe traffic only (no fault) at rising rates
// per flow, and at each the probe's RTT p50/p99, loss and where the CPU went (each OVS daemon, the carrier
// watchers, routing daemons, probe agents, peerlab, Docker, softirq), after a first row with the lab at rest
// (converged, 5 s settled, nothing probing). The ceiling is the highest rate whose RTT p99 stays under 10 ms
// with no loss. Several LAG drivers (`--lag-driver ovs,nft`) run one after the other in the same run, side by side.
// Writes reports/bench-headroom-<time>.json.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { up } from '../src/index.js';
import { newRunReport, runOnLab } from '../src/scenario/suite.js';
import type { Scenario } from '../src/scenario/model.js';
import { formatTable } from '../src/util/table.js';
import { agentMarker } from '../src/runtime/identity.js';
import { labsRemovedOnSignal } from './bench-signals.js';

const { values } = parseArgs({
  options: {
    topology: { type: 'string', default: 'topologies/maps-voice.yaml' },
    runtime: { type: 'string', default: 'docker' },
    'lag-driver': { type: 'string', default: 'auto' },
    rates: { type: 'string', default: '100,250,500,1000,2000' },
    'flows-per-pair': { type: 'string', default: '2' },
    seconds: { type: 'string', default: '10' },
  },
});
const rates = values.rates!.split(',').map(Number);
const perPair = Number(values['flows-per-pair']);
const holdMs = Number(values.seconds) * 1000;

/**
 * Ticks of the whole machine: busy (softirq included, which no process is charged for; guest time is
 * already in user), softirq, and steal (time the hypervisor gave another guest: a noisy host).
 */
async function machineTicks(): Promise<{ busy: number; softirq: number; steal: number }> {
  const [, ...f] = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = f.map(Number) as number[];
  return { busy: user! + nice! + system! + irq! + softirq!, softirq: softirq!, steal: steal ?? 0 };
}

const classes = [
  'ovs-vswitchd',
  'ovsdb-server',
  'carrier watchers',
  'routing',
  'probe agents',
  'peerlab',
  'docker',
  'other',
] as const;

/** Which part of the lab (or of the machine) a process is, from its name and command line. */
function classify(comm: string, cmdline: string): (typeof classes)[number] {
  if (/^ovs-vswitchd|^handler|^revalidator|^urcu|^pmd/.test(comm)) return 'ovs-vswitchd';
  if (/^ovsdb-server/.test(comm)) return 'ovsdb-server';
  // The nft driver's watcher keeps nft and ip running to apply its changes.
  if (/^ovsdb-client|^nft$|^ip$/.test(comm) || (/^python3/.test(comm) && cmdline.includes('carrier.pid')))
    return 'carrier watchers';
  if (/^(zebra|bgpd|bfdd|staticd|mgmtd|bird|watchfrr)/.test(comm)) return 'routing';
  if (cmdline.includes(agentMarker(''))) return 'probe agents';
  if (/^node|^MainThread/.test(comm)) return 'peerlab';
  if (/^(dockerd|containerd|docker-proxy)/.test(comm)) return 'docker';
  return 'other';
}

/** CPU ticks of every process, host-wide (every lab process is a host process, containers included). */
async function processTicks(): Promise<Map<string, { cls: string; ticks: number }>> {
  const found = new Map<string, { cls: string; ticks: number }>();
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.set(`${pid}/${fields[19]}`, {
        cls: classify(comm, cmdline),
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // the process ended between readdir and read
    }
  }
  return found;
}

/**
 * CPU per class while `work` runs, in % of one core. Processes are sampled every 500 ms, so those that
 * end before the work does (probe agents, vtysh) are counted up to their last sample.
 */
async function measure(work: () => Promise<unknown>, sample = true): Promise<Record<string, unknown>> {
  const first = await processTicks();
  const last = new Map(first);
  const machineBefore = await machineTicks();
  const started = performance.now();
  let done = false;
  let meterMicros = 0; // what reading /proc costs this process, taken off "peerlab"
  const sampler = (async () => {
    while (sample && !done) {
      await new Promise((r) => setTimeout(r, 500));
      const before = process.cpuUsage();
      for (const [key, p] of await processTicks()) last.set(key, p);
      const spent = process.cpuUsage(before);
      meterMicros += spent.user + spent.system;
    }
  })();
  await work();
  done = true;
  await sampler;
  for (const [key, p] of await processTicks()) last.set(key, p);
  const seconds = (performance.now() - started) / 1000;
  const machine = await machineTicks();
  const used = new Map<string, number>();
  for (const [key, p] of last) used.set(p.cls, (used.get(p.cls) ?? 0) + p.ticks - (first.get(key)?.ticks ?? 0));
  // 100 ticks per second: ticks per second is % of one core
  used.set('peerlab', (used.get('peerlab') ?? 0) - meterMicros / 10_000);
  const cpu = Object.fromEntries(classes.map((c) => [c, Math.round((used.get(c) ?? 0) / seconds)]));
  return {
    cpu,
    softirq: Math.round((machine.softirq - machineBefore.softirq) / seconds),
    machineBusy: Math.round((machine.busy - machineBefore.busy) / seconds),
    steal: Math.round((machine.steal - machineBefore.steal) / seconds),
  };
}

/** CPU over `ms` with the lab converged and nothing probing it: what the lab costs at rest. */
async function idleRow(ms: number): Promise<Record<string, unknown>> {
  await new Promise((r) => setTimeout(r, 5000));
  const usage = await measure(() => new Promise((r) => setTimeout(r, ms)), false);
  return { ratePerFlow: 0, flows: 0, totalPps: 0, ...usage };
}

const labs = labsRemovedOnSignal();
labs.add('bench-headroom');
const rows: Record<string, unknown>[] = [];
for (const lagDriver of values['lag-driver']!.split(',')) {
  const lab = await up(values.topology!, {
    runtime: values.runtime as 'docker' | 'netns',
    lagDriver,
    name: 'bench-headroom',
  });
  try {
    rows.push({ lag: lab.lag.kind, ...(await idleRow(holdMs)) });
    console.log(JSON.stringify(rows.at(-1)));
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
      const usage = await measure(() => runOnLab(lab, [scenario], report, { calibrate: false }));
      const attempt = report.scenarios[0]!.attempts[0]!;
      const rtts = attempt.flows.flatMap((f) => (f.rttMs.all ? [f.rttMs.all] : []));
      const sent = attempt.flows.reduce((s, f) => s + f.sent, 0);
      const lost = attempt.flows.reduce((s, f) => s + f.lost, 0);
      rows.push({
        lag: lab.lag.kind,
        ratePerFlow: rate,
        flows: attempt.flows.length,
        totalPps: rate * attempt.flows.length,
        rttP50: Math.max(...rtts.map((r) => r.p50)),
        rttP99: Math.max(...rtts.map((r) => r.p99)),
        lostShare: sent ? lost / sent : 0,
        ...usage,
      });
      console.log(JSON.stringify(rows.at(-1)));
    }
  } finally {
    await lab.down();
  }
}
const probed = rows.filter((r) => r.flows);
const ceilings = [...new Set(rows.map((r) => r.lag as string))].map((lag) => ({
  lag,
  ceiling: probed.filter((r) => r.lag === lag && (r.rttP99 as number) < 10 && (r.lostShare as number) === 0).at(-1),
}));
console.log(
  formatTable(
    [
      'LAG driver',
      'pps per flow',
      'pps in the lab',
      'RTT p50 ms',
      'RTT p99 ms',
      'lost',
      ...classes,
      'softirq',
      'machine busy',
      'steal',
    ],
    rows.map((r) => {
      const cpu = r.cpu as Record<string, number>;
      const probe = r.flows
        ? [
            (r.rttP50 as number).toFixed(1),
            (r.rttP99 as number).toFixed(1),
            `${((r.lostShare as number) * 100).toFixed(2)}%`,
          ]
        : ['-', '-', '-'];
      return [
        String(r.lag),
        r.flows ? String(r.ratePerFlow) : 'idle',
        String(r.totalPps),
        ...probe,
        ...classes.map((c) => String(cpu[c] ?? 0)),
        String(r.softirq),
        String(r.machineBusy),
        String(r.steal),
      ];
    }),
  ),
);
console.log(
  'CPU in % of one core (machine busy includes this benchmark sampling /proc every 500 ms under traffic); RTT of the worst flow',
);
for (const { lag, ceiling } of ceilings)
  console.log(
    `${lag}: ceiling (RTT p99 < 10 ms, no loss): ${ceiling ? `${String(ceiling.ratePerFlow)} pps per flow, ${String(ceiling.totalPps)} pps in the lab` : 'below the lowest rate tried'}`,
  );
await mkdir('reports', { recursive: true });
const file = `reports/bench-headroom-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z')}.json`;
await writeFile(
  file,
  JSON.stringify(
    { topology: values.topology, runtime: values.runtime, lagDrivers: values['lag-driver'], perPair, holdMs, rows },
    null,
    2,
  ),
);
console.log(file);
