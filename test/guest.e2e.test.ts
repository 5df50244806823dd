import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import type { RunReport } from '../src/scenario/results.js';
import { json, section } from './helpers/guest.js';
import { root } from './helpers/reference.js';

// The kernel bonding driver end to end, in a QEMU guest with Debian's kernel (this host's has no bonding nor
// netem): scripts/guest.sh boots it on the host's own root (read-only, tmpfs overlay) and runs
// test/guest/kernel-bonds.sh once: a small netns lab with --lag-driver kernel (its bonds read, then netem
// delay and netem loss), then `certify` of partner-voice's own configs on one row each of
// E-LAG-MEMBER, E-ACTIVE-ACTIVE, E-SILENT and E-GEO. Emulated CPUs are slow: this asserts behaviour and that
// no verdict is a FAIL (the lab measures itself there too: a row it cannot measure is inconclusive), never timings.

/** What `peerlab fault --json` wrote, as far as these tests read it. */
interface FaultRun {
  scenarios: {
    attempts: {
      flows: { name: string; lost: number; sent: number; rttMs: Record<string, { p50: number } | null> }[];
      faults: { appliedMs: number; revertedMs: number | null }[];
      /** Packets per second through each interconnect's peer-side LAG, one sample a second: [ms, in, out]. */
      interconnects: { id: string; rates: [number, number, number][] }[];
    }[];
  }[];
}

// One boot for every test of this file: the console, and the folder the guest wrote its certify report to.
let out = '';
let shared = '';
let timedOut = false;

test.before('the guest runs test/guest/kernel-bonds.sh', async (t) => {
  t.timeout(1_800_000);
  shared = await mkdtemp(join(tmpdir(), 'peerlab-guest-'));
  t.log(`reports: ${shared}`);
  const started = performance.now();
  const run = await execa(
    'bash',
    [
      join(root, 'scripts/guest.sh'),
      '--mem',
      '6G',
      '--share',
      shared,
      '--',
      'bash',
      join(root, 'test/guest/kernel-bonds.sh'),
      shared,
    ],
    // SIGTERM on timeout: guest.sh stops qemu with it.
    { cwd: root, reject: false, stdin: 'ignore', all: true, timeout: 1_500_000 },
  );
  out = (run.all ?? '').replace(/\r/g, '');
  timedOut = run.timedOut;
  t.log(`guest run ${((performance.now() - started) / 1000).toFixed(0)} s, exit ${run.exitCode}`);
  // What each part cost, from the guest's clock at each marker (the CI budget's figures).
  const marks = [...out.matchAll(/^=== (\S+) === (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])] as const);
  t.log(
    marks
      .slice(0, -1)
      .map(([name, at], i) => `${name} ${marks[i + 1]![1] - at} s`)
      .join(', '),
  );
});

// Kept when a test failed, for its reports (the before hook logs where).
test.after("the guest's report folder removed", async () => {
  await rm(shared, { recursive: true, force: true });
});

test.serial(
  'kernel bonds: 802.3ad with LACP on every member of every LAG, as /proc/net/bonding and peerlab status show it, still so after the faults; down leaves no namespace',
  (t) => {
    t.false(timedOut, 'the guest finished in 25 minutes');
    t.regex(section(out, 'up'), /up-exit=0/, section(out, 'up').slice(-2000));
    // The driver's own reader: /proc/net/bonding says 802.3ad, both members up and in one aggregator.
    const bonding = section(out, 'bonding');
    t.regex(bonding, /Bonding Mode: IEEE 802\.3ad Dynamic link aggregation/);
    t.regex(bonding, /^Min links: 1$/m, 'down with its last member, as a router LAG');
    t.is((bonding.match(/^Slave Interface: /gm) ?? []).length, 2);
    const status = json(section(out, 'status')) as {
      lagDriver: string;
      problems: string[];
      nodes: { snapshot?: { lags: { name: string; negotiated: boolean; members: { enabled: boolean }[] }[] } }[];
    };
    t.is(status.lagDriver, 'kernel');
    t.deepEqual(status.problems, []);
    const lags = status.nodes.flatMap((n) => n.snapshot?.lags ?? []);
    t.true(lags.length >= 4, 'both ends of both interconnects have a LAG');
    t.true(
      lags.every((l) => l.negotiated && l.members.length === 2 && l.members.every((m) => m.enabled)),
      'LACP negotiated on every member',
    );

    const after = json(section(out, 'after')) as typeof status;
    const lagsAfter = after.nodes.flatMap((n) => n.snapshot?.lags ?? []);
    t.is(lagsAfter.length, lags.length, 'every LAG still there after the faults');
    t.true(
      lagsAfter.every((l) => l.negotiated && l.members.length === 2 && l.members.every((m) => m.enabled)),
      'every member back',
    );
    t.regex(section(out, 'down'), /down-exit=0\n0\s*$/, 'down removed every namespace');
  },
);

test.serial(
  'netem in the guest: a 200 ms delay slows every flow through ams/ic1, and random-loss --method netem loses probe packets there',
  (t) => {
    t.false(timedOut, 'the guest finished in 25 minutes');
    // 200 ms at both ends of ams/ic1: every flow through it slowed.
    const delay = json(section(out, 'delay')) as FaultRun;
    const attempt = delay.scenarios[0]!.attempts[0]!;
    const flows = attempt.flows;
    t.true(flows.length > 0, 'the delay run had probe flows');
    const during = flows.map((f) => Math.round(f.rttMs.during?.p50 ?? 0));
    // The delay shows only on flows ECMP hashed onto ams/ic1: the busiest second of its LAG while the delay
    // held, each way (BFD, LACP and keepalives are a few packets a second; a probe flow is 25).
    const [fault] = attempt.faults;
    const held = (id: string) =>
      (attempt.interconnects.find((i) => i.id === id)?.rates ?? []).filter(
        ([ms]) => ms > fault!.appliedMs && ms <= (fault!.revertedMs ?? Infinity),
      );
    const busiest = (id: string) => Math.max(0, ...held(id).map(([, rx, tx]) => Math.max(rx, tx)));
    const through = `packets a second at most through ams/ic1 ${busiest('ams/ic1')}, ams/ic2 ${busiest('ams/ic2')}`;
    t.log(`delay: RTT p50 during ${during.join(', ')} ms; ${through}`);
    // A slow guest may read no counters in the 4 s the delay holds: then only the RTTs can tell.
    if (held('ams/ic1').length === 0) t.log('delay: no counter of ams/ic1 was read while it was delayed');
    else t.true(busiest('ams/ic1') >= 20, `probe traffic crossed ams/ic1 while it was delayed (${through})`);
    t.true(Math.max(...during) >= 200, `RTT p50 during the delay: ${during.join(', ')} ms (${through})`);
    t.true(
      flows.every((f) => (f.rttMs.before?.p50 ?? Infinity) < 200),
      'no flow was that slow before the fault',
    );

    // 10% at both ends of ams/ic1 (netem loss random): the flows through it lost packets.
    const loss = json(section(out, 'loss')) as FaultRun;
    t.regex(section(out, 'loss'), /loss-exit=\d/);
    const lossFlows = loss.scenarios[0]!.attempts[0]!.flows;
    t.true(
      lossFlows.some((f) => f.lost > 0),
      `probe packets lost through the lossy interconnect: ${lossFlows.map((f) => `${f.name} ${f.lost}/${f.sent}`).join(', ')}`,
    );
  },
);

test.serial(
  "certify on kernel bonds with partner-voice's own configs: a member, an interconnect, a gray failure and a metro, each seen by the mechanism it trips, none FAIL",
  async (t) => {
    t.false(timedOut, 'the guest finished in 25 minutes');
    const cert = JSON.parse(await readFile(join(shared, 'certify/run.json'), 'utf8')) as RunReport;
    // What was judged and why, first: a CI log keeps the head of a long failure message, not its tail.
    for (const line of judged(cert)) t.log(line);
    t.regex(section(out, 'certify'), /certify-exit=[03]\b/, section(out, 'certify').slice(-3000));
    t.is(cert.lag, 'kernel', 'the kernel bonding driver ran the LAGs');
    const rows = cert.certification!.rows;
    t.deepEqual(
      rows.filter((r) => r.status === 'fail').map((r) => `${r.id}: ${r.evidence.join('; ')}`),
      [],
      'no R-* or E-* row fails with the partner configs',
    );
    const cells = new Map((cert.certification!.matrix?.cells ?? []).map((c) => [c.id, c]));
    t.deepEqual([...cells.keys()].sort(), [
      'ams/ic1 carrier-loss',
      'ams/ic1 gray-blackhole',
      'ams/ic1/m1 carrier-loss',
      'metro:ams site-down',
    ]);
    for (const c of cells.values()) {
      t.log(`certify ${c.id}: ${c.verdict}, detection ${c.detection?.event ?? 'none'} ${c.detection?.sinceMs ?? ''}`);
      t.not(c.verdict, 'fail', c.id);
    }
    const events = (id: string) =>
      cert.scenarios.find((s) => s.name === cells.get(id)?.scenario)?.attempts[0]?.events ?? [];
    const sessionDown = (e: { kind: string; from?: string }) => e.kind === 'bgp' && e.from === 'Established';
    // E-LAG-MEMBER: the bond let the member go and kept its session.
    t.truthy(
      events('ams/ic1/m1 carrier-loss').find((e) => e.kind === 'member' && e.to === 'disabled'),
      'a member left its bond',
    );
    t.falsy(events('ams/ic1/m1 carrier-loss').find(sessionDown), 'no session dropped for one member');
    // E-ACTIVE-ACTIVE: the bond went down with its members, and its session with it.
    const lagDown = events('ams/ic1 carrier-loss');
    const edgeDrop = lagDown.find((e) => e.node === 'ams-msee1' && sessionDown(e));
    const edgeBfd = lagDown.find((e) => e.node === 'ams-msee1' && e.kind === 'bfd' && e.to === 'down');
    t.truthy(edgeDrop, "the LAG going down dropped the edge's session");
    t.true(!edgeBfd || edgeDrop!.atMs <= edgeBfd.atMs, 'on carrier (the bond went down with its last member), not BFD');
    t.truthy(
      lagDown.find(
        (e) => e.node === 'ams-msee1' && e.kind === 'bgp' && e.to === 'Established' && e.atMs > edgeDrop!.atMs,
      ),
      'the revert restored the session',
    );
    // E-SILENT: only BFD could see it (carrier and LACP up).
    t.truthy(
      events('ams/ic1 gray-blackhole').find((e) => e.kind === 'bfd' && e.to === 'down'),
      'BFD saw the gray failure',
    );
    // E-GEO: every interconnect of the metro dropped its session.
    t.true(
      new Set(
        events('metro:ams site-down')
          .filter(sessionDown)
          .map((e) => e.subject),
      ).size >= 2,
      'both interconnects of ams dropped their sessions',
    );
    t.regex(section(out, 'left'), /^\s*0\s*$/m, 'certify removed every namespace');
  },
);

/** Every expectation not passed and every row not passed, each with what was measured or why it could not be. */
function judged(cert: RunReport): string[] {
  const lines = cert.error ? [`error: ${cert.error}`] : [];
  for (const s of cert.scenarios)
    for (const [i, a] of s.attempts.entries()) {
      if (a.error) lines.push(`${s.name} #${i + 1}: error ${a.error}`);
      for (const r of a.results.filter((r) => r.verdict !== 'pass'))
        lines.push(
          `${s.name} #${i + 1} ${r.id}: ${r.verdict}, ${r.inconclusive ?? r.measured} (expected ${r.expected})`,
        );
    }
  for (const r of cert.certification?.rows.filter((r) => r.status !== 'pass') ?? [])
    lines.push(`row ${r.id}: ${r.status}, ${r.evidence.join('; ')}`);
  return lines;
}
