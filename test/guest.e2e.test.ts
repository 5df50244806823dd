import { execa } from 'execa';
import test from 'ava';
import { join } from 'node:path';
import { root } from './helpers/reference.js';

// The kernel bonding driver end to end, in a QEMU guest with Debian's kernel (this host's has no bonding):
// scripts/guest.sh boots it on the host's own root (read-only, tmpfs overlay) and runs
// test/guest/kernel-bonds.sh, which brings a small netns lab up with --lag-driver kernel and breaks it.
// Emulated CPUs are slow: this asserts behaviour, never timings.

const section = (out: string, name: string) => out.split(`=== ${name} ===`)[1]?.split(/\n=== /)[0] ?? '';
const json = (text: string) => JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as unknown;

interface FaultRun {
  scenarios: {
    attempts: {
      events: { node: string; kind: string; subject: string; from?: string; to: string; atMs: number }[];
      faults: { appliedMs: number }[];
    }[];
  }[];
}

test('kernel bonds in a QEMU guest: LACP on every member, member-down keeps the LAG, lag-down drops carrier and the session at once, revert restores; netem delay', async (t) => {
  t.timeout(1_500_000);
  const started = performance.now();
  const run = await execa(
    'bash',
    [join(root, 'scripts/guest.sh'), '--', 'bash', join(root, 'test/guest/kernel-bonds.sh')],
    {
      cwd: root,
      reject: false,
      stdin: 'ignore',
      all: true,
      // SIGTERM on timeout: guest.sh stops qemu with it.
      timeout: 1_200_000,
    },
  );
  t.log(`guest run ${((performance.now() - started) / 1000).toFixed(0)} s, exit ${run.exitCode}`);
  const out = (run.all ?? '').replace(/\r/g, '');
  t.false(run.timedOut, 'the guest finished in 20 minutes');
  t.regex(section(out, 'up'), /up-exit=0/, section(out, 'up').slice(-2000));
  // The driver's own reader: /proc/net/bonding says 802.3ad, both members up and in one aggregator.
  const bonding = section(out, 'bonding');
  t.regex(bonding, /Bonding Mode: IEEE 802\.3ad Dynamic link aggregation/);
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

  const member = json(section(out, 'member-down')) as FaultRun;
  const memberEvents = member.scenarios[0]!.attempts[0]!.events;
  t.truthy(
    memberEvents.find((e) => e.kind === 'member' && e.to === 'disabled'),
    'the member left the bond',
  );
  t.falsy(
    memberEvents.find((e) => e.kind === 'bgp' && e.from === 'Established' && e.node === 'ams-pe1'),
    'the LAG and its session stayed up',
  );

  const lag = json(section(out, 'lag-down')) as FaultRun;
  const events = lag.scenarios[0]!.attempts[0]!.events;
  const bgp = events.find((e) => e.node === 'ams-msee1' && e.kind === 'bgp' && e.from === 'Established');
  const bfd = events.find((e) => e.node === 'ams-msee1' && e.kind === 'bfd' && e.to === 'down');
  t.truthy(bgp, 'the edge dropped the session');
  t.true(!bfd || bgp!.atMs < bfd.atMs, 'on carrier (the bond went down with its last member), before BFD');
  t.truthy(
    events.find((e) => e.node === 'ams-msee1' && e.kind === 'bgp' && e.to === 'Established' && e.atMs > bgp!.atMs),
    'revert restores the session',
  );

  // netem, which this host's kernel lacks: 200 ms at both ends of ams/ic1, every flow through it slowed, none lost to it.
  const delay = json(section(out, 'delay')) as {
    scenarios: { attempts: { flows: { lost: number; rttMs: Record<string, { p50: number } | null> }[] }[] }[];
  };
  const flows = delay.scenarios[0]!.attempts[0]!.flows;
  t.true(flows.length > 0, 'the delay run had probe flows');
  const during = flows.map((f) => f.rttMs.during?.p50 ?? 0);
  // Seen once in CI (2026-12-03, then passing on a re-run): no flow slowed. What the run said, to tell a
  // path that avoided ams/ic1 from a delay that did not hold.
  if (Math.max(...during) < 200) t.log(section(out, 'delay').slice(0, 6000));
  t.true(Math.max(...during) >= 200, `RTT p50 during the delay: ${during.join(', ')} ms`);
  t.true(
    flows.every((f) => (f.rttMs.before?.p50 ?? Infinity) < 200),
    'no flow was that slow before the fault',
  );

  const after = json(section(out, 'after')) as typeof status;
  const lagsAfter = after.nodes.flatMap((n) => n.snapshot?.lags ?? []);
  t.is(lagsAfter.length, lags.length, 'every LAG still there after the faults');
  t.true(
    lagsAfter.every((l) => l.negotiated && l.members.length === 2 && l.members.every((m) => m.enabled)),
    'every member back',
  );
  t.regex(section(out, 'down'), /down-exit=0\n0\s*$/, 'down removed every namespace');
});
