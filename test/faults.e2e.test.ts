import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { waitConverged } from '../src/lab/converge.js';
import type { Lab } from '../src/lab/lab.js';
import { packetsThrough } from '../src/observe/counters.js';
import type { TimelineEvent } from '../src/observe/timeline.js';
import { tearDownLab } from '../src/lab/down.js';
import { createRuntime } from '../src/runtime/select.js';
import { oneFaultScenario, type OneFaultOptions } from '../src/scenario/one-fault.js';
import { calibrateLab, chooseRate, type LabCalibration } from '../src/scenario/calibrate.js';
import { labTarget, runScenario, type ScenarioRecord } from '../src/scenario/run.js';
import { planFlows } from '../src/probe/flows.js';
import { systemClock } from '../src/util/clock.js';
import { peerlab } from './helpers/fixtures.js';
import { faultResidue, labFor, leftovers } from './helpers/labs.js';
import { tempDir } from './helpers/temp.js';

// E-* faults under probe traffic on the reference voice topology: BFD 300 ms x 3, LACP fast, FRR and BIRD peers.
// Timing, ordering and counters the scenario suite (test/run.e2e.test.ts) does not judge: BFD before BGP,
// the traffic leaving a gray link, LACP expiry, partial loss, a router coming back. BFD-only and one-way loss
// are certify.e2e's rows (judged by the mechanism their budget names), on the partner's own configs.
const name = 'e2e-measure';
// How long a reverted fault may take to converge again: `peerlab run`'s own bound. BGP can need most of it:
// a connection whose peer vanished under loss stays in OpenSent until its hold timer (RFC 4271: 4 minutes).
const restoreMs = 300_000;
let lab: Lab;
let calibration: LabCalibration;

test.before(async () => {
  lab = await labFor(undefined, 'topologies/maps-voice.yaml', name);
  // As peerlab run does: the lab measures itself, and probe rates come from what it carries.
  calibration = await calibrateLab(labTarget(lab), { clock: systemClock, maxPps: 8000 });
});

test.after.always(() => tearDownLab(name, createRuntime('docker')));

/** A fault as `peerlab fault` runs it: a scenario of one fault on the shared runner. */
type Experiment = ScenarioRecord & { windows: ScenarioRecord['faults'] & { revertedAt: number }[] };

async function experiment(
  t: ExecutionContext,
  options: Omit<OneFaultOptions, 'beforeMs' | 'afterMs'>,
): Promise<Experiment> {
  // Whatever the test before left still settling (a member LACP has yet to take back), the lab is whole first.
  await waitConverged(lab, { timeoutMs: restoreMs });
  const scenario = oneFaultScenario(lab.model, { beforeMs: 2000, afterMs: 3000, ...options });
  const max = scenario.probe.rate ?? 1000;
  const rate = chooseRate(calibration, planFlows(lab.model, { ...scenario.probe, rate: max }).length, max);
  const record = await runScenario(labTarget(lab), scenario, { rate, calibration });
  const x = { ...record, windows: record.faults } as Experiment;
  t.log(`stopped early: ${x.error ?? 'no'}; ${rate} pps per flow; baseline: ${x.unfit?.join('; ') ?? 'clean'}`);
  const start = x.windows[0]!.applyingAt;
  for (const f of x.flows)
    t.log(
      `${f.plan.from}->${f.plan.to}:${f.plan.srcPort} lost ${f.lost}/${f.sent} (${f.lossDerivedMs.toFixed(0)} ms), ` +
        `outages ${f.outages.map((o) => `${(o.startMs - start).toFixed(0)}+${o.durationMs.toFixed(0)}`).join(' ')}`,
    );
  for (const e of x.timeline.events.filter((e) => e.kind !== 'routes'))
    t.log(`${(e.atMs - start).toFixed(0).padStart(6)} ms ${e.node} ${e.kind} ${e.subject} ${e.from ?? ''} -> ${e.to}`);
  t.is(x.error, undefined, 'the experiment ran to the end');
  // Every fault is reverted by its experiment; the lab must be whole again before the next one.
  t.deepEqual(
    await faultResidue(
      name,
      lab.model.nodes.map((n) => n.name),
      (node, argv) => lab.exec(node, argv),
    ),
    [],
    'the fault is reverted: nothing of it is left in the lab',
  );
  return x;
}

/** A bound on probe figures, judged only where the run's own baseline shows the lab could carry the probe. */
function probeBound(t: { true: (c: boolean, m: string) => void; log: (m: string) => void }, x: Experiment) {
  return (ok: boolean, message: string) =>
    x.unfit
      ? t.log(`not judged (the lab could not carry the probe: ${x.unfit.join('; ')}): ${message}`)
      : t.true(ok, message);
}

const after = (x: Experiment, ms: number) => x.windows[0]!.applyingAt + ms;
const firstEvent = (x: Experiment, match: (e: TimelineEvent) => boolean) =>
  x.timeline.events.find((e) => e.atMs >= x.windows[0]!.applyingAt && match(e));
const leftEstablished = (e: TimelineEvent) => e.kind === 'bgp' && e.from === 'Established';

test.serial(
  'link-blackhole (E-SILENT): BFD 300 ms x 3 detects, BGP withdraws, traffic converges under 2 s',
  async (t) => {
    t.timeout(480_000);
    // 8 flows per pair (32 flows, 200 pps each): with 2, ECMP's per-lab hash seed sometimes sent no flow over
    // fra/ic1, and the positive control below failed (seen once in CI).
    const x = await experiment(t, {
      fault: { kind: 'link-blackhole', target: 'fra/ic1' },
      holdMs: 4000,
      probe: { perPair: 8, rate: 200 },
    });
    const bfd = firstEvent(x, (e) => e.kind === 'bfd' && e.from === 'up' && e.node === 'fra-pe1');
    const bgp = firstEvent(x, (e) => leftEstablished(e) && e.node === 'fra-pe1');
    t.truthy(bfd, 'BFD went down on fra-pe1');
    t.truthy(bgp, 'BGP left Established on fra-pe1');
    t.true(bfd!.atMs <= bgp!.atMs, 'BFD down was seen no later than BGP down');
    // Detection is 900 ms; the timeline samples every 100 ms.
    t.true(
      bfd!.sinceMs - x.windows[0]!.applyingAt < 1100,
      `BFD down within detection time (${bfd!.sinceMs - x.windows[0]!.applyingAt} ms)`,
    );
    t.false(
      x.timeline.events.some((e) => e.kind === 'lacp' && e.atMs > x.windows[0]!.applyingAt),
      'LACP never noticed the gray failure',
    );
    t.is(x.flows.length, 32, 'every flow of 8 per host pair ran');
    for (const f of x.flows)
      probeBound(t, x)(f.lossDerivedMs < 2000, `flow ${f.plan.srcPort} converged in ${f.lossDerivedMs} ms`);
    const [from, to] = [after(x, 2000), x.windows[0]!.revertedAt];
    const before = x.phases.before!;
    // The interface is sampled and carried traffic before the fault: its silence during it is the fault's.
    // Shares of the probe packets sent, so they hold at whatever rate the lab's self-test chose.
    const sentIn = (a: number, b: number) => (x.flows.length * x.rate * (b - a)) / 1000;
    const carried = packetsThrough(x.timeline, 'fra-pe1', 'fra-ic1', before.fromMs, before.toMs);
    t.true(carried > 0.05 * sentIn(before.fromMs, before.toMs), `it carried traffic before (${carried} packets)`);
    const silent = packetsThrough(x.timeline, 'fra-pe1', 'fra-ic1', from, to);
    t.true(silent < 50 + 0.01 * sentIn(from, to), `nothing rides the failed interconnect (${silent} packets)`);
    const twin = packetsThrough(x.timeline, 'fra-pe2', 'fra-ic2', from, to);
    t.true(twin > 0.05 * sentIn(from, to), `its local twin carries traffic (${twin} packets)`);
  },
);

test.serial(
  'lag-down: the LAG goes down with its last member (min-links 1), BGP drops on carrier before BFD',
  async (t) => {
    t.timeout(480_000);
    const x = await experiment(t, { fault: { kind: 'lag-down', target: 'ams/ic1' }, holdMs: 3000 });
    for (const node of ['ams-msee1', 'ams-pe1']) {
      const bgp = firstEvent(x, (e) => e.node === node && leftEstablished(e));
      const bfdDown = firstEvent(x, (e) => e.kind === 'bfd' && e.node === node && e.to === 'down');
      t.truthy(bgp, `${node}: BGP left Established`);
      // Were the L3 interface still up (OVS without the carrier watcher), BFD would detect it first and
      // take BGP down in the same instant; on carrier, BGP is gone before BFD could even expire.
      t.true(!bfdDown || bgp!.atMs < bfdDown.atMs, `${node}: BGP down at ${bgp!.atMs}, BFD down at ${bfdDown?.atMs}`);
    }
  },
);

test.serial(
  'random-loss 60% on an interconnect: traffic through it partly lost, BFD at 300 ms x 3 gives up on it',
  async (t) => {
    t.timeout(480_000);
    const x = await experiment(t, {
      fault: { kind: 'random-loss', target: 'ams/ic2', options: { percent: 60 } },
      holdMs: 6000,
    });
    // Three BFD packets in a row lost is 22% likely per detection window at 60%: over 6 s both ends try ~40 times.
    t.truthy(
      firstEvent(x, (e) => e.kind === 'bfd' && ['ams-pe2', 'ams-msee2'].includes(e.node) && e.to === 'down'),
      'BFD declared the lossy interconnect down',
    );
    const lossy = x.flows.filter((f) => f.lost > 0);
    t.true(lossy.length > 0, 'some flow lost packets');
    t.true(
      lossy.every((f) => f.lost < f.sent),
      'partial loss: no flow lost everything',
    );
  },
);

test.serial(
  'peerlab fault: one fault on the running lab, printed, its run.json rendered by peerlab report',
  async (t) => {
    t.timeout(480_000);
    const dir = await tempDir(t, 'fault-cli');
    const json = join(dir, 'run.json');
    const run = await peerlab(
      'fault',
      'member-down',
      'fra/ic1/m1',
      '--lab',
      name,
      '--hold',
      '2',
      '--before',
      '1',
      '--after',
      '1',
      '--json',
      json,
    );
    t.is(run.exitCode, 0, run.stderr);
    t.regex(run.stdout, /^fault member-down fra\/ic1\/m1: applied at 0\.00 ms, reverted at \d+ ms/);
    t.regex(run.stdout, /fra-pe1\s+member\s+fra-ic1-m1\s+enabled -> disabled/, 'the timeline shows the member going');
    const report = await peerlab('report', json);
    t.is(report.exitCode, 0, report.stderr);
    t.regex(await readFile(join(dir, 'report.md'), 'utf8'), /fault member-down fra\/ic1\/m1: pass/);
    await waitConverged(lab, { timeoutMs: restoreMs });
  },
);

/** The interfaces a router forwards `prefix` through: as its FRR zebra says it installed them, and as its kernel has them. */
async function forwarding(node: string, prefix: string): Promise<{ zebra: string[]; kernel: string[] }> {
  const { pathspace } = lab.dirs(node);
  const vtysh = ['vtysh', ...(pathspace ? ['-N', pathspace] : []), '-c', `show ip route ${prefix} json`];
  const routes = JSON.parse((await lab.exec(node, vtysh)).stdout) as Record<
    string,
    { selected?: boolean; nexthops: { fib?: boolean; interfaceName?: string }[] }[]
  >;
  const zebra = (routes[prefix] ?? [])
    .filter((r) => r.selected)
    .flatMap((r) => r.nexthops.filter((n) => n.fib).map((n) => n.interfaceName!));
  const [route] = JSON.parse((await lab.exec(node, ['ip', '-j', 'route', 'show', prefix])).stdout) as {
    dev?: string;
    nexthops?: { dev: string }[];
  }[];
  const kernel = route ? (route.nexthops?.map((n) => n.dev) ?? (route.dev ? [route.dev] : [])) : [];
  return { zebra: zebra.sort(), kernel: kernel.sort() };
}

test.serial(
  'router-kill (E-RESTORE): once the router is back, its neighbours forward through it again, kernel and routing daemon agreeing',
  async (t) => {
    t.timeout(480_000);
    const prefix = lab.model.microsoft.servicePrefixes[0]!;
    await waitConverged(lab, { timeoutMs: restoreMs });
    const before = await forwarding('peer-core', prefix);
    t.log(`before: ${JSON.stringify(before)}`);
    t.true(before.zebra.includes('e-ams-pe1'), 'the core spreads traffic over ams-pe1 before the fault');
    await experiment(t, { fault: { kind: 'router-kill', target: 'ams-pe1' }, holdMs: 3000 });
    // The link from the core to ams-pe1 lost carrier and came back. FRR 8.4's zebra kept showing the route's
    // ECMP group as installed while the kernel had flushed ams-pe1 from it: traffic never came back.
    let now = await forwarding('peer-core', prefix);
    for (let i = 0; i < 20 && !(now.zebra.includes('e-ams-pe1') && now.kernel.includes('e-ams-pe1')); i++) {
      await new Promise((r) => setTimeout(r, 500));
      now = await forwarding('peer-core', prefix);
    }
    t.log(`after: ${JSON.stringify(now)}`);
    t.deepEqual(now.kernel, now.zebra, 'the kernel forwards over what zebra says it installed');
    t.true(now.kernel.includes('e-ams-pe1'), 'the core forwards through ams-pe1 again');
  },
);

// Last of the experiments: once LACP has expired a member, both ends send every 30 s only (Defaulted, slow
// periodic), so the member rejoins up to 30 s after the revert; the next experiment would wait that out.
test.serial(
  'member-blackhole (E-LAG-MEMBER, silent): LACP drops the member after its timeout, not before',
  async (t) => {
    t.timeout(480_000);
    const x = await experiment(t, { fault: { kind: 'member-blackhole', target: 'fra/ic2/m1' }, holdMs: 6000 });
    const expired = firstEvent(x, (e) => e.kind === 'member' && e.subject === 'fra-ic2-m1' && e.to === 'disabled');
    t.truthy(expired, 'the member was disabled');
    const ms = expired!.atMs - x.windows[0]!.applyingAt;
    t.true(ms >= 2000 && ms <= 5000, `expired ${ms.toFixed(0)} ms after the fault (LACP fast: 3 x 1 s)`);
  },
);

test.serial('every fault reverted, the lab is torn down and nothing is left behind', async (t) => {
  t.timeout(480_000);
  await lab?.down();
  t.deepEqual(await leftovers(name), []);
});
