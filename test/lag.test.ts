import test from 'ava';
import { kernelLag } from '../src/lab/lag/kernel/index.js';
import { memberOfProxy, proxyOf } from '../src/lab/lag/nft/names.js';
import { nftLag } from '../src/lab/lag/nft/index.js';
import { ovsLag } from '../src/lab/lag/ovs/index.js';
import { selectLagDriver } from '../src/lab/lag/registry.js';
import type { Runner } from '../src/util/run.js';

const bonds = [{ name: 'ams-ic1', address: '198.51.100.1/31', members: ['ams-ic1-m1', 'ams-ic1-m2'] }];

test('kernel LAG: an 802.3ad bond, LACP fast, members enslaved while down, address on the bond', (t) => {
  t.deepEqual(kernelLag.setup(bonds, '/run/x'), [
    [
      'ip',
      'link',
      'add',
      'ams-ic1',
      'type',
      'bond',
      'mode',
      '802.3ad',
      'lacp_rate',
      'fast',
      'miimon',
      '100',
      'xmit_hash_policy',
      'layer3+4',
      'min_links',
      '1',
    ],
    ['ip', 'link', 'set', 'ams-ic1-m1', 'down'],
    ['ip', 'link', 'set', 'ams-ic1-m1', 'master', 'ams-ic1'],
    ['ip', 'link', 'set', 'ams-ic1-m2', 'down'],
    ['ip', 'link', 'set', 'ams-ic1-m2', 'master', 'ams-ic1'],
    ['ip', 'addr', 'add', '198.51.100.1/31', 'dev', 'ams-ic1'],
    ['ip', 'link', 'set', 'ams-ic1', 'up'],
  ]);
});

test('OVS LAG: a private userspace switch, one netdev bridge per bond, LACP active and fast', (t) => {
  const commands = ovsLag.setup(bonds, '/run/n');
  const addBond = commands.find((c) => c.includes('add-bond'))!;
  t.true(addBond.includes('datapath_type=netdev'));
  // The L3 port keeps one MAC across restarts, from its address.
  t.true(addBond.includes('other_config:hwaddr=02:00:c6:33:64:01'));
  t.deepEqual(addBond.slice(addBond.indexOf('add-bond')), [
    'add-bond',
    'ams-ic1',
    'ams-ic1-lag',
    'ams-ic1-m1',
    'ams-ic1-m2',
    'lacp=active',
    'bond_mode=balance-tcp',
    'other_config:lacp-time=fast',
  ]);
  for (const c of commands.filter((c) => c.some((a) => a.startsWith('ovs'))))
    t.true(c.includes('OVS_RUNDIR=/run/n/ovs'), c.join(' '));
  t.deepEqual(commands.at(-3), ['ip', 'addr', 'add', '198.51.100.1/31', 'dev', 'ams-ic1']);
  // Last, the carrier watcher: the L3 port follows the members, as a LAG with min-links 1.
  const watcher = commands.at(-1)!;
  t.deepEqual(
    [watcher[0], watcher[1], ...watcher.slice(3)],
    ['python3', '-c', '/run/n/ovs', '{"ams-ic1":["ams-ic1-m1","ams-ic1-m2"]}'],
  );
  t.deepEqual(ovsLag.setup([], '/run/n'), []);
});

const fakeModprobe =
  (ok: boolean): Runner =>
  async () => ({ stdout: '', stderr: '', exitCode: ok ? 0 : 1 });

test('auto picks the kernel driver when bonding loads, OVS when it does not; kernel without bonding is an error', async (t) => {
  t.is((await selectLagDriver('auto', fakeModprobe(true))).kind, 'kernel');
  t.is((await selectLagDriver('auto', fakeModprobe(false))).kind, 'ovs');
  t.is((await selectLagDriver('ovs', fakeModprobe(true))).kind, 'ovs');
  await t.throwsAsync(selectLagDriver('kernel', fakeModprobe(false)), { message: /no bonding driver/ });
});

test('nft LAG: OVS negotiates LACP on a proxy per member, the kernel forwards over the members', (t) => {
  const commands = nftLag.setup(bonds, '/run/n');
  const text = commands.map((c) => c.join(' '));
  // The L3 interface is a veth with the bond's fixed MAC; its far end is where frames are hashed.
  t.true(text.includes('ip link add ams-ic1 address 02:00:c6:33:64:01 type veth peer name ams-ic1.t'));
  t.true(text.includes('ip link add ams-ic1.x1 type veth peer name ams-ic1.y1'));
  t.true(text.includes('ip addr add 198.51.100.1/31 dev ams-ic1'));
  const addBond = commands.find((c) => c.includes('add-bond'))!;
  t.deepEqual(addBond.slice(addBond.indexOf('add-bond')), [
    'add-bond',
    'ams-ic1.o',
    'ams-ic1-lag',
    'ams-ic1.x1',
    'ams-ic1.x2',
    'lacp=active',
    'bond_mode=balance-tcp',
    'other_config:lacp-time=fast',
  ]);
  const ruleset = commands.find((c) => c[0] === 'nft')![1]!;
  t.regex(ruleset, /hook ingress device "ams-ic1\.t".* fwd to symhash mod 16 map @b0/);
  t.regex(ruleset, /hook ingress device "ams-ic1-m2".* ether type 0x8809 fwd to "ams-ic1\.y2"/);
  t.regex(ruleset, /in0_1 iifname @collecting fwd to "ams-ic1\.t"/);
  t.regex(ruleset, /hook ingress device "ams-ic1\.y1".* fwd to "ams-ic1-m1"/);
  // Every name it adds fits Linux's 15 bytes when the member's name does, and cannot be a topology name.
  const longest = { name: 'abcdefghijk', address: '198.51.100.1/31', members: ['abcdefghijk-m1'] };
  for (const name of [proxyOf('abcdefghijk-m1').x, proxyOf('abcdefghijk-m1').y, `${longest.name}.t`])
    t.true(name.length <= 15 && name.includes('.'), name);
  t.is(memberOfProxy(bonds, 'ams-ic1.x2'), 'ams-ic1-m2');
  // Last, the watcher with every bond's map, far end and members.
  const watcher = commands.at(-1)!;
  t.deepEqual(JSON.parse(watcher.at(-1)!), [
    {
      name: 'ams-ic1',
      map: 'b0',
      end: 'ams-ic1.t',
      members: [
        { name: 'ams-ic1-m1', x: 'ams-ic1.x1', y: 'ams-ic1.y1' },
        { name: 'ams-ic1-m2', x: 'ams-ic1.x2', y: 'ams-ic1.y2' },
      ],
    },
  ]);
  t.deepEqual(nftLag.setup([], '/run/n'), []);
});

test('nft LAG: members carry traffic as the watcher applied them, LACP as OVS negotiated it', async (t) => {
  const bondShow = [
    '---- ams-ic1-lag ----',
    'bond_mode: balance-tcp',
    'lacp_status: negotiated',
    '',
    'member ams-ic1.x1: enabled',
    'member ams-ic1.x2: enabled',
  ].join('\n');
  const node = (applied: string | undefined) => ({
    dirs: { dir: '/n', run: '/n/run' } as never,
    exec: async (argv: readonly string[]) => (argv[0] === 'cat' ? applied : bondShow),
    procNet: async () => undefined,
  });
  t.deepEqual(await nftLag.read(node('{"ams-ic1": ["ams-ic1-m2"]}'), bonds), [
    {
      name: 'ams-ic1',
      negotiated: true,
      members: [
        { name: 'ams-ic1-m1', enabled: false },
        { name: 'ams-ic1-m2', enabled: true },
      ],
    },
  ]);
  // Before the watcher has applied anything, no member carries traffic.
  t.deepEqual(
    (await nftLag.read(node(undefined), bonds))[0]!.members.map((m) => m.enabled),
    [false, false],
  );
});
