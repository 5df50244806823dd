import test from 'ava';
import { EnvironmentError, InputError, LabError } from '../src/errors.js';
import { flapFault, injectFault } from '../src/faults/inject.js';
import { planFault, type FaultStep } from '../src/faults/plan.js';
import { ovsLag } from '../src/lab/lag/ovs/index.js';
import { resolveTarget } from '../src/faults/targets.js';
import { loadTopology } from '../src/topology/load.js';
import type { LabModel } from '../src/topology/model.js';

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
type Kind = Parameters<typeof planFault>[1]['kind'];
const planOf = (model: LabModel, kind: Kind, target: string, id: string, options: Record<string, unknown> = {}) =>
  planFault(model, { kind, target, options }, { id, dirs, lag: ovsLag });
const plan = async (kind: Kind, target: string, direction?: 'to-microsoft' | 'to-peer') =>
  planOf(await loadTopology('topologies/maps-voice.yaml'), kind, target, 'f1', direction ? { direction } : {});

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

test('member-blackhole drops everything at the egress of both ends, toggled by one set update', async (t) => {
  const { steps } = await plan('member-blackhole', 'ams/ic1/m1');
  t.deepEqual(
    steps.map((s) => s.node),
    ['ams-pe1', 'ams-msee1'],
  );
  t.deepEqual(steps[0]!.prepare, [
    [
      'nft',
      'add table netdev peerlab_f1 ; ' +
        'add set netdev peerlab_f1 down { type ifname; } ; ' +
        'add chain netdev peerlab_f1 egress0 { type filter hook egress device "ams-ic1-m1" priority 0; policy accept; } ; ' +
        'add rule netdev peerlab_f1 egress0 oifname @down drop',
    ],
  ]);
  t.deepEqual(steps[0]!.apply, [['nft', 'add element netdev peerlab_f1 down { "ams-ic1-m1" }']]);
  t.deepEqual(steps[1]!.revert, [['nft', 'delete element netdev peerlab_f1 down { "ams-ic1-m1" }']]);
  t.deepEqual(steps[1]!.cleanup, [['nft', 'delete table netdev peerlab_f1']]);
});

const rulesOf = (step: FaultStep) => step.prepare![0]![1]!.split(' ; ').filter((c) => c.startsWith('add rule'));

test('link-blackhole spares LACP (drops IP and ARP only) so that BFD, not LACP, must notice', async (t) => {
  const { steps } = await plan('link-blackhole', 'fra/ic2');
  t.deepEqual(
    steps.map((s) => s.node),
    ['fra-pe2', 'fra-msee2'],
  );
  t.deepEqual(rulesOf(steps[0]!), [
    'add rule netdev peerlab_f1 egress0 oifname @down ether type { ip, arp } drop',
    'add rule netdev peerlab_f1 egress1 oifname @down ether type { ip, arp } drop',
  ]);
  t.deepEqual(steps[0]!.apply, [['nft', 'add element netdev peerlab_f1 down { "fra-ic2-m1", "fra-ic2-m2" }']]);
});

test('bfd-only-loss drops BFD ports; one-way-loss drops on the sending end only', async (t) => {
  t.true(
    rulesOf((await plan('bfd-only-loss', 'ams/ic2')).steps[0]!)[1]!.endsWith(
      'egress1 oifname @down udp dport { 3784, 3785 } drop',
    ),
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
  t.deepEqual(frr.apply, [
    [
      'sh',
      '-c',
      'pid=$(cat "$1") && kill -KILL "$pid" || exit 1; for d in "$2/$3".*; do if [ -e "$d/logbuf.$pid" ]; then rm -rf "$d"; fi; done',
      'pkill',
      '/run/frr/bgpd.pid',
      '/var/tmp/frr',
      'bgpd',
    ],
  ]);
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
  t.true(apply.some((c) => /^pkill -KILL -F .*bird\.pid$|kill -KILL .* pkill \S*bgpd\.pid /.test(c)));
  t.true(apply.includes('ip link set ams-ic1-m1 down'));
  const revert = step!.revert.map((c) => c.join(' '));
  // The router's own links come up first, before the LAG driver rebuilds its bonds (which starts with rm -rf).
  const links = ['ams-ic1-m1', 'ams-ic1-m2', 'e-peer-core'].map((i) => `ip link set ${i} up`);
  t.deepEqual(revert.slice(0, links.length), links);
  t.regex(revert[links.length]!, /^rm -rf .*\/ovs$/);
  t.true(revert.findIndex((c) => c.includes('add-bond')) > links.length);
  t.regex(revert.at(-1)!, /^(bird -c|vtysh -f)/);
});

test('site-down with scope routers kills every peer router of the metro', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const { steps } = planOf(model, 'site-down', 'metro:ams', 'f2', { scope: 'routers' });
  t.deepEqual(
    steps.map((s) => s.node),
    ['ams-pe1', 'ams-pe2'],
  );
});

const fakeLab = {
  name: 'l',
  runtime: { toolNamespaces: async (_lab: string, node: string) => [`--net=/run/netns/${node}`] },
};

test('flap applies and reverts the fault once per period, and never leaves it applied', async (t) => {
  const ran: string[] = [];
  let now = 0;
  const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
  const run = async (argv: readonly string[]) => {
    ran.push(argv.join(' '));
    return { stdout: '', stderr: '', exitCode: 0 };
  };
  const fault = await plan('member-down', 'ams/ic1/m2');
  const cycles: number[][] = [];
  await flapFault(fakeLab as never, fault, {
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
  await t.throwsAsync(flapFault(fakeLab as never, fault, { count: 1, periodMs: 100, downMs: 100, clock, run }), {
    message: /must be shorter than the period/,
  });
});

/** A fake nft per namespace that records scripts; `fail` makes a matching script throw. */
function fakeNft(fail?: RegExp) {
  const log: string[] = [];
  const openNft = async (namespaces: string[], ack: string) => {
    const node = namespaces[0]!.split('/').at(-1);
    log.push(`${node} open ${ack}`);
    return {
      apply: async (script: string) => {
        log.push(`${node} ${script.split(' ; ')[0]}`);
        if (fail?.test(script)) throw new Error(`nft failed: ${script}`);
      },
      close: async () => void log.push(`${node} close`),
    };
  };
  return { log, openNft };
}

test('a blackhole is prepared untimed, applied and reverted as set updates, then its table and sessions are removed', async (t) => {
  const { log, openNft } = fakeNft();
  let now = 0;
  const clock = { now: () => (now += 10), sleep: async () => {} };
  const fault = await injectFault(fakeLab as never, await plan('member-blackhole', 'ams/ic1/m1'), { openNft, clock });
  t.true(log.filter((l) => l.includes('add table')).length === 2, 'both ends were prepared before the fault');
  t.deepEqual(log.slice(-2), [
    'ams-pe1 add element netdev peerlab_f1 down { "ams-ic1-m1" }',
    'ams-msee1 add element netdev peerlab_f1 down { "ams-ic1-m1" }',
  ]);
  t.is(fault.appliedAt - fault.applyingAt, 10);
  log.length = 0;
  await fault.revert();
  t.deepEqual(log.sort(), [
    'ams-msee1 close',
    'ams-msee1 delete element netdev peerlab_f1 down { "ams-ic1-m1" }',
    'ams-msee1 delete table netdev peerlab_f1',
    'ams-pe1 close',
    'ams-pe1 delete element netdev peerlab_f1 down { "ams-ic1-m1" }',
    'ams-pe1 delete table netdev peerlab_f1',
  ]);
});

test('a fault that fails on one end is reverted and cleaned up on both before the error', async (t) => {
  const { log, openNft } = fakeNft(/^add element.*/);
  await t.throwsAsync(injectFault(fakeLab as never, await plan('member-blackhole', 'ams/ic1/m1'), { openNft }), {
    message: /nft failed: add element/,
  });
  t.is(log.filter((l) => l.endsWith('delete table netdev peerlab_f1')).length, 2);
  t.is(log.filter((l) => l.endsWith('close')).length, 2);
});

test('a fault that fails, and whose revert fails too, says both and stays recorded for peerlab revert', async (t) => {
  const { openNft } = fakeNft(/^(add|delete) element/);
  const seen: string[] = [];
  const recorder = {
    applying: async () => void seen.push('recorded'),
    reverted: async () => void seen.push('forgotten'),
  };
  const error = await t.throwsAsync(
    injectFault(fakeLab as never, await plan('member-blackhole', 'ams/ic1/m1'), { openNft, recorder }),
  );
  t.true(error instanceof LabError, String(error));
  t.regex(
    error!.message,
    /^fault member-blackhole ams\/ic1\/m1 could not be applied \(nft failed: add element.*\), and undoing it failed too \(nft failed: delete element.*\); it may still be applied: peerlab revert /,
  );
  t.true(error!.cause instanceof AggregateError, 'both errors kept as its cause');
  t.deepEqual(seen, ['recorded'], 'the record stays, so peerlab revert finds the fault');
});

test("router-kill's revert runs the partner's traffic control again after the LAG is rebuilt, before the daemons", async (t) => {
  const model = await loadTopology('examples/partner-voice/broken/topology-edge.yaml');
  const [step] = planOf(model, 'router-kill', 'ams-pe2', 'f3').steps;
  const revert = step!.revert.map((c) => c.join(' '));
  const tc = revert.indexOf('tc qdisc replace dev ams-ic2 root tbf rate 5gbit burst 1mb latency 50ms');
  t.true(tc > revert.findIndex((c) => c.includes('add-bond')), revert.join('\n'));
  t.true(tc < revert.findIndex((c) => /^bird -c/.test(c)));
});

test('random-loss drops a share of every frame at the egress of both ends, or of one with a direction', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const both = planOf(model, 'random-loss', 'ams/ic1', 'f4', { percent: 20 }).steps;
  t.deepEqual(
    both.map((s) => s.node),
    ['ams-pe1', 'ams-msee1'],
  );
  t.regex(both[0]!.prepare![0]![1]!, /oifname @down numgen random mod 100 < 20 drop/);
  t.deepEqual(both[0]!.apply, [['nft', 'add element netdev peerlab_f4 down { "ams-ic1-m1", "ams-ic1-m2" }']]);
  const oneWay = planOf(model, 'random-loss', 'ams/ic1/m2', 'f5', { direction: 'to-peer' });
  t.deepEqual(
    oneWay.steps.map((s) => [s.node, s.apply[0]![1]]),
    [['ams-msee1', 'add element netdev peerlab_f5 down { "ams-ic1-m2" }']],
  );
  t.regex(planOf(model, 'random-loss', 'ams/ic1', 'f6').steps[0]!.prepare![0]![1]!, /< 10 drop/);
  t.throws(() => planOf(model, 'random-loss', 'ams/ic1', 'f7', { percent: 0 }), {
    message: /^percent: random-loss: .*>=1/,
  });
});

test('random-loss with method netem: netem installed untimed, the loss one change per member; only then does it need sch_netem', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const plan = planOf(model, 'random-loss', 'ams/ic1', 'f9', { percent: 40, method: 'netem' });
  t.deepEqual(plan.needs, ['sch_netem']);
  t.deepEqual(
    plan.steps.map((s) => s.node),
    ['ams-pe1', 'ams-msee1'],
  );
  t.deepEqual(
    plan.steps[0]!.apply.map((c) => c.join(' ')),
    [
      'tc qdisc change dev ams-ic1-m1 root netem limit 100000 loss random 40%',
      'tc qdisc change dev ams-ic1-m2 root netem limit 100000 loss random 40%',
    ],
  );
  t.deepEqual(plan.steps[0]!.cleanup![0], ['tc', 'qdisc', 'del', 'dev', 'ams-ic1-m1', 'root']);
  t.is(planOf(model, 'random-loss', 'ams/ic1', 'f10', { percent: 40 }).needs, undefined, 'nft needs no module');
  t.throws(() => planOf(model, 'random-loss', 'ams/ic1', 'f11', { method: 'tc' }), {
    message: /^method: random-loss: /,
  });
});

test('delay: netem installed untimed, the impairment one change per member, removed after the revert', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const steps = planOf(model, 'delay', 'ams/ic1', 'f8', { delay: '40ms', jitter: '10ms', reorder: 25 }).steps;
  t.deepEqual(
    steps.map((s) => s.node),
    ['ams-pe1', 'ams-msee1'],
  );
  t.deepEqual(steps[0]!.prepare![0], [
    'tc',
    'qdisc',
    'replace',
    'dev',
    'ams-ic1-m1',
    'root',
    'netem',
    'limit',
    '100000',
  ]);
  t.deepEqual(steps[0]!.apply[1], [
    'tc',
    'qdisc',
    'change',
    'dev',
    'ams-ic1-m2',
    'root',
    'netem',
    'limit',
    '100000',
    'delay',
    '40ms',
    '10ms',
    'reorder',
    '25%',
  ]);
  t.deepEqual(steps[0]!.revert[0], ['tc', 'qdisc', 'change', 'dev', 'ams-ic1-m1', 'root', 'netem', 'limit', '100000']);
  t.deepEqual(steps[0]!.cleanup![0], ['tc', 'qdisc', 'del', 'dev', 'ams-ic1-m1', 'root']);
  const oneWay = planOf(model, 'delay', 'ams/ic1/m2', 'f9', { direction: 'to-microsoft' });
  t.deepEqual(
    oneWay.steps.map((s) => [s.node, s.apply[0]!.slice(4, 5), s.apply[0]!.slice(-2)]),
    [['ams-pe1', ['ams-ic1-m2'], ['delay', '50ms']]],
  );
  t.throws(() => planOf(model, 'delay', 'ams/ic1', 'f9', { delay: '10ms', jitter: '20ms' }), {
    message: /^delay: the jitter \(ms\), at most the delay, must be a whole number from 0 to 10 \(got 20\)/,
  });
  t.throws(() => planOf(model, 'delay', 'ams/ic1', 'f9', { delay: 0, reorder: 5 }), {
    message: /reordering needs a delay/,
  });
  t.throws(() => planOf(model, 'lag-down', 'ams/ic1', 'f9', { delay: '10ms' }), {
    message: /^delay: lag-down takes no options, not "delay"/,
  });
});

test('delay on a kernel without netem is an environment error naming the module, not a lab failure', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const plan = planOf(model, 'delay', 'ams/ic1', 'f10');
  const lab = { name: 'x', exec: async () => '', runtime: { toolNamespaces: async () => ['--net=/run/netns/x'] } };
  const ran: (readonly string[])[] = [];
  const error = await t.throwsAsync(
    injectFault(lab as never, plan, {
      run: async (argv) => {
        ran.push(argv);
        // Neither built in nor loaded, and no module to load: as this CI host's kernel answers.
        const missing = argv[0] === 'test' || argv[0] === 'modprobe';
        return { stdout: '', stderr: '', exitCode: missing ? 1 : 0 } as never;
      },
    }),
  );
  t.true(error instanceof EnvironmentError, String(error));
  t.regex(error!.message, /^delay needs the kernel module sch_netem, which this kernel does not have/);
  t.deepEqual(
    ran.map((c) => c[0]),
    ['test', 'modprobe'],
    'asked the kernel, and applied nothing',
  );
});

test('an applied fault is recorded in the lab state until reverted; a stale one is refused, listed and reverted from the record', async (t) => {
  const { labFaultRecorder, recordedFaults, refuseStaleFaults, revertRecordedFaults } =
    await import('../src/lab/fault-records.js');
  const { existsSync } = await import('node:fs');
  const { labDir } = await import('../src/runtime/identity.js');
  const model = await loadTopology('topologies/maps-voice.yaml');
  const name = `t-rec-${process.pid}`;
  const plan = planOf(model, 'link-blackhole', 'ams/ic1', 'f11');
  const seen: string[] = [];
  const lab = {
    name,
    exec: async () => '',
    runtime: { toolNamespaces: async (_: string, node: string) => [`--net=/ns/${node}`] },
  };
  const recorder = labFaultRecorder(name);
  const fault = await injectFault(lab as never, plan, {
    recorder: {
      applying: async (p) => (seen.push('recorded'), recorder.applying(p)),
      reverted: async (p) => (seen.push('forgotten'), recorder.reverted(p)),
    },
    run: async (argv) => (seen.push(argv.join(' ')), { stdout: '', stderr: '', exitCode: 0 }) as never,
    openNft: async () => ({
      apply: async (s: string) => void seen.push(`nft ${s.slice(0, 10)}`),
      close: async () => {},
    }),
  });
  t.is(seen[0], 'recorded', 'recorded before anything is applied');
  t.is((await recordedFaults(name)).length, 1);
  await fault.revert();
  t.is(seen.at(-1), 'forgotten');
  t.deepEqual(await recordedFaults(name), []);
  t.false(existsSync(labDir(name)), 'no folder left for a lab that had none');

  // A process killed during the hold leaves the record: refused, then reverted by peerlab revert.
  await recorder.applying(plan);
  await t.throwsAsync(refuseStaleFaults(name), {
    message: new RegExp(
      `lab ${name} still has a fault applied \\(link-blackhole ams/ic1, applied .* by pid ${process.pid} \\(still running\\)\\).*peerlab revert ${name}`,
    ),
  });
  const ran: string[] = [];
  const reverted = await revertRecordedFaults(lab as never, async (argv) => {
    ran.push(argv.join(' '));
    return { stdout: '', stderr: '', exitCode: 0 } as never;
  });
  t.deepEqual(reverted, ['link-blackhole ams/ic1']);
  t.deepEqual(ran, [
    'nsenter --net=/ns/ams-pe1 -- nft delete element netdev peerlab_f11 down { "ams-ic1-m1", "ams-ic1-m2" }',
    'nsenter --net=/ns/ams-pe1 -- nft delete table netdev peerlab_f11',
    'nsenter --net=/ns/ams-msee1 -- nft delete element netdev peerlab_f11 down { "ams-ic1-m1", "ams-ic1-m2" }',
    'nsenter --net=/ns/ams-msee1 -- nft delete table netdev peerlab_f11',
  ]);
  t.deepEqual(await recordedFaults(name), []);
  await t.notThrowsAsync(refuseStaleFaults(name));
});
