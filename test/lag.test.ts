import test from 'ava';
import { kernelLag } from '../src/lab/lag/kernel/index.js';
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
