import test from 'ava';
import { InputError } from '../src/errors.js';
import { flapFault } from '../src/faults/inject.js';
import { planFault } from '../src/faults/primitives.js';
import { ovsLag } from '../src/lab/lag/ovs.js';
import { resolveTarget } from '../src/faults/targets.js';
import { loadTopology } from '../src/topology/load.js';

test('fault targets are addressed by topology names: interconnect, member, router, metro', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  t.is(resolveTarget(model, 'ams/ic1').kind, 'interconnect');
  const member = resolveTarget(model, 'ams/ic1/m2');
  t.like(member, { kind: 'member', member: 2 });
  t.like(resolveTarget(model, 'ams-pe1'), { kind: 'router', node: 'ams-pe1' });
  const site = resolveTarget(model, 'metro:fra');
  t.is(site.kind === 'metro' && site.interconnects.map((i) => i.id).join(), 'fra/ic1,fra/ic2');
});

test('an unknown fault target is an InputError naming the valid targets', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const error = t.throws(() => resolveTarget(model, 'ams/ic9'), { instanceOf: InputError });
  t.regex(
    error.message,
    /unknown fault target "ams\/ic9"; valid targets: ams\/ic1, ams\/ic1\/m1, ams\/ic1\/m2, .*ams-pe1.*metro:ams, metro:fra$/,
  );
  t.throws(() => resolveTarget(model, 'sbc-ams'), { message: /unknown fault target/ }, 'hosts are not fault targets');
  t.throws(() => resolveTarget(model, 'metro:lon'), { message: /unknown fault target/ });
});

const dirs = (node: string) => ({
  dir: `/etc/peerlab`,
  run: `/etc/peerlab/run`,
  ...(node === 'x' ? { frrInstance: 'x' } : {}),
});
const plan = async (kind: Parameters<typeof planFault>[1], target: string, direction?: 'to-microsoft' | 'to-peer') =>
  planFault(await loadTopology('topologies/maps-voice.yaml'), kind, target, {
    id: 'f1',
    dirs,
    lag: ovsLag,
    ...(direction ? { direction } : {}),
  });

test('member-down takes the member down on the peer router and brings it back up', async (t) => {
  t.deepEqual((await plan('member-down', 'ams/ic1/m2')).steps, [
    {
      node: 'ams-pe1',
      netOnly: true,
      apply: [['ip', 'link', 'set', 'ams-ic1-m2', 'down']],
      revert: [['ip', 'link', 'set', 'ams-ic1-m2', 'up']],
    },
  ]);
});

test('member-blackhole drops everything at the egress of both ends; the revert deletes the table', async (t) => {
  const { steps } = await plan('member-blackhole', 'ams/ic1/m1');
  t.deepEqual(
    steps.map((s) => s.node),
    ['ams-pe1', 'ams-msee1'],
  );
  t.deepEqual(steps[0]!.apply, [
    [
      'nft',
      'add table netdev peerlab_f1 ; ' +
        'add chain netdev peerlab_f1 egress0 { type filter hook egress device "ams-ic1-m1" priority 0; policy accept; } ; ' +
        'add rule netdev peerlab_f1 egress0 drop',
    ],
  ]);
  t.deepEqual(steps[1]!.revert, [['nft', 'delete', 'table', 'netdev', 'peerlab_f1']]);
});

test('link-blackhole spares LACP (drops IP and ARP only) so that BFD, not LACP, must notice', async (t) => {
  const { steps } = await plan('link-blackhole', 'fra/ic2');
  t.deepEqual(
    steps.map((s) => s.node),
    ['fra-pe2', 'fra-msee2'],
  );
  const rules = steps[0]!.apply[0]![1]!.split(' ; ').filter((c) => c.startsWith('add rule'));
  t.deepEqual(rules, [
    'add rule netdev peerlab_f1 egress0 ether type { ip, arp } drop',
    'add rule netdev peerlab_f1 egress1 ether type { ip, arp } drop',
  ]);
});

test('bfd-only-loss drops BFD ports; one-way-loss drops on the sending end only', async (t) => {
  t.true(
    (await plan('bfd-only-loss', 'ams/ic2')).steps[0]!.apply[0]![1]!.endsWith('egress1 udp dport { 3784, 3785 } drop'),
  );
  t.deepEqual(
    (await plan('one-way-loss', 'ams/ic2', 'to-peer')).steps.map((s) => s.node),
    ['ams-msee2'],
  );
  t.deepEqual(
    (await plan('one-way-loss', 'ams/ic2')).steps.map((s) => s.node),
    ['ams-pe2'],
  );
});

test('daemon-crash kills the BGP daemon by pid file and restarts it with the same config', async (t) => {
  t.deepEqual((await plan('daemon-crash', 'ams-pe1')).steps[0], {
    node: 'ams-pe1',
    netOnly: false,
    apply: [['pkill', '-KILL', '-F', '/etc/peerlab/run/bird.pid']],
    revert: [
      ['bird', '-c', '/etc/peerlab/bird.conf', '-s', '/etc/peerlab/run/bird.ctl', '-P', '/etc/peerlab/run/bird.pid'],
    ],
  });
  const frr = (await plan('daemon-crash', 'fra-pe1')).steps[0]!;
  t.deepEqual(frr.apply, [['pkill', '-KILL', '-F', '/run/frr/bgpd.pid']]);
  t.deepEqual(frr.revert.at(-1), ['vtysh', '-f', '/etc/peerlab/frr.conf']);
});

test('site-down takes every interconnect of the metro down', async (t) => {
  const { steps } = await plan('site-down', 'metro:fra');
  t.deepEqual(
    steps.map((s) => [s.node, s.apply.length]),
    [
      ['fra-pe1', 2],
      ['fra-pe2', 2],
    ],
  );
});

test('a fault aimed at the wrong kind of target says which kind it takes', async (t) => {
  await t.throwsAsync(plan('member-down', 'ams/ic1'), {
    message: /member-down takes a member target \(such as ams\/ic1\/m1\), not the interconnect "ams\/ic1"/,
  });
});

test('router-kill kills every daemon by pid file and takes the links down; the revert rebuilds the LAG and restarts', async (t) => {
  const [step] = (await plan('router-kill', 'ams-pe1')).steps;
  t.is(step!.node, 'ams-pe1');
  const apply = step!.apply.map((c) => c.join(' '));
  t.true(apply.includes('pkill -KILL -F /etc/peerlab/run/ovs/ovs-vswitchd.pid'));
  t.true(apply.some((c) => /^pkill -KILL -F .*(bird|bgpd)\.pid$/.test(c)));
  t.true(apply.includes('ip link set ams-ic1-m1 down'));
  const revert = step!.revert.map((c) => c.join(' '));
  t.true(revert.indexOf('ip link set ams-ic1-m1 up') < revert.findIndex((c) => c.includes('add-bond')));
  t.regex(revert.at(-1)!, /^(bird -c|vtysh -f)/);
});

test('site-down with scope routers kills every peer router of the metro', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const { steps } = planFault(model, 'site-down', 'metro:ams', { id: 'f2', dirs, lag: ovsLag, scope: 'routers' });
  t.deepEqual(
    steps.map((s) => s.node),
    ['ams-pe1', 'ams-pe2'],
  );
});

test('flap applies and reverts the fault once per period, and never leaves it applied', async (t) => {
  const ran: string[] = [];
  let now = 0;
  const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
  const lab = {
    name: 'l',
    runtime: { netnsPath: async (_lab: string, node: string) => `/run/netns/${node}` },
  };
  const run = async (argv: readonly string[]) => {
    ran.push(argv.join(' '));
    return { stdout: '', stderr: '', exitCode: 0 };
  };
  const fault = await plan('member-down', 'ams/ic1/m2');
  const cycles: number[][] = [];
  await flapFault(lab as never, fault, {
    count: 3,
    periodMs: 2000,
    downMs: 500,
    clock,
    run,
    onCycle: (c) => cycles.push([c.appliedAt, c.revertedAt]),
  });
  t.deepEqual(cycles, [
    [0, 500],
    [2000, 2500],
    [4000, 4500],
  ]);
  t.is(ran.filter((r) => r.endsWith('down')).length, 3);
  t.is(ran.at(-1), 'nsenter --net=/run/netns/ams-pe1 -- ip link set ams-ic1-m2 up');
  await t.throwsAsync(flapFault(lab as never, fault, { count: 1, periodMs: 100, downMs: 100, clock, run }), {
    message: /must be shorter than the period/,
  });
});
