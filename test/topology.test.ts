import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { Address4 } from 'ip-address';
import { InputError } from '../src/errors.js';
import { sandboxPlan } from '../src/sandbox/plan.js';
import { loadTopology, resolveSource } from '../src/topology/load.js';
import { fixtures } from './helpers/fixtures.js';
import { referenceTopologies } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

const labRanges = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '198.18.0.0/15'].map((r) => new Address4(r));

for (const file of referenceTopologies) {
  test(`${file}: two metros, two interconnects each on different routers, 2-member LAGs, BFD, transit, hosts`, async (t) => {
    const model = await loadTopology(file);
    const metros = new Set(model.interconnects.map((i) => i.metro));
    t.is(metros.size, 2);
    for (const metro of metros) {
      const local = model.interconnects.filter((i) => i.metro === metro);
      t.is(local.length, 2);
      t.not(local[0]!.peerRouter, local[1]!.peerRouter);
    }
    t.true(model.interconnects.every((i) => i.lag.members === 2 && i.bfd !== null));
    t.truthy(model.transit);
    t.true(model.nodes.some((n) => n.role === 'host' && n.side === 'peer'));
    t.true(model.nodes.some((n) => n.role === 'host' && n.side === 'microsoft'));
  });

  test(`${file}: interface names fit 15 bytes, addresses are unique and from documentation ranges`, async (t) => {
    const model = await loadTopology(file);
    const addresses = model.nodes.flatMap((n) =>
      n.interfaces.flatMap((i) => (i.address ? [i.address.split('/')[0]!] : [])),
    );
    t.is(new Set(addresses).size, addresses.length);
    for (const address of addresses)
      t.true(
        labRanges.some((r) => new Address4(address).isInSubnet(r)),
        address,
      );
    for (const node of model.nodes) {
      for (const iface of node.interfaces) t.true(Buffer.byteLength(iface.name) <= 15, `${node.name}:${iface.name}`);
      t.is(new Set(node.interfaces.map((i) => i.name)).size, node.interfaces.length, node.name);
    }
  });

  test(`${file}: resolution is deterministic`, async (t) => {
    t.deepEqual(await loadTopology(file), await loadTopology(file));
  });
}

test('T-VOICE: every interconnect session runs BFD at 300 ms x 3 or faster', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const sessions = model.sessions.filter((s) => s.kind === 'interconnect');
  t.is(sessions.length, 4);
  for (const s of sessions) t.true(s.bfd !== null && s.bfd.intervalMs * s.bfd.multiplier <= 900, s.id);
});

test('T-ERS: session addresses come from the peer-provided range, the route server runs BIRD', async (t) => {
  const model = await loadTopology('topologies/maps-ers.yaml');
  for (const ic of model.interconnects)
    t.true(new Address4(ic.peerAddress).isInSubnet(new Address4('192.0.2.128/26')), ic.id);
  const rs = model.nodes.find((n) => n.role === 'route-server');
  t.is(rs?.daemon, 'bird');
  t.true(model.nodes.some((n) => n.role === 'peer-router' && n.daemon === 'bird'));
  t.true(model.nodes.some((n) => n.role === 'edge-router' && n.daemon === 'frr'));
});

test('T-DIRECT/T-VOICE: session addresses come from the Microsoft-provided range, the edge takes the first', async (t) => {
  const model = await loadTopology('topologies/maps-direct.yaml');
  for (const ic of model.interconnects) {
    t.true(new Address4(ic.subnet).isInSubnet(new Address4('198.51.100.0/24')));
    t.is(ic.edgeAddress, `${ic.subnet.split('/')[0]}/31`);
  }
});

test('a LAG is one bond with its member links on both ends', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const ic = model.interconnects.find((i) => i.id === 'ams/ic1')!;
  t.deepEqual(ic.lag.memberLinks, ['ams/ic1/m1', 'ams/ic1/m2']);
  for (const node of [ic.peerRouter, ic.edgeRouter]) {
    const ifaces = model.nodes.find((n) => n.name === node)!.interfaces;
    t.deepEqual(
      ifaces.filter((i) => i.bond === 'ams-ic1').map((i) => i.name),
      ['ams-ic1-m1', 'ams-ic1-m2'],
    );
    t.truthy(ifaces.find((i) => i.name === 'ams-ic1' && i.kind === 'bond' && i.address));
  }
});

for (const { file, expected } of fixtures('malformed', 'expect-error')) {
  test(`malformed ${file}: one InputError at ${expected}`, async (t) => {
    const [position, ...rest] = expected.split(' ');
    const error = await t.throwsAsync(loadTopology(file), { instanceOf: InputError });
    t.true(error.message.startsWith(`${file}:${position}: `), error.message);
    t.true(error.message.includes(rest.join(' ')), error.message);
    t.is(error.exitCode, 2);
  });
}

test('a missing file is an InputError naming it', async (t) => {
  const error = await t.throwsAsync(loadTopology('topologies/nope.yaml'), { instanceOf: InputError });
  t.regex(error.message, /nope\.yaml.*ENOENT/);
});

test('a registered more-specific inside an announced aggregate is a normal design; hosts may not share address space', async (t) => {
  const dir = await tempDir(t, 'nested');
  const base = (await readFile('topologies/maps-voice.yaml', 'utf8')).replace(
    '    - { prefix: 203.0.113.128/25, class: data, registered: false }',
    '    - { prefix: 203.0.113.128/25, class: data, registered: false }\n    - { prefix: 203.0.113.0/24, class: data, registered: false }',
  );
  await writeFile(join(dir, 'nested.yaml'), base);
  const model = await loadTopology(join(dir, 'nested.yaml'));
  t.true(model.peer.prefixes.some((p) => p.prefix === '203.0.113.0/24'));
  await writeFile(
    join(dir, 'hosts.yaml'),
    base.replace('sbc-fra: { prefix: 203.0.113.64/26 }', 'sbc-fra: { prefix: 203.0.113.0/24 }'),
  );
  await t.throwsAsync(loadTopology(join(dir, 'hosts.yaml')), {
    message:
      /peer\.hosts\.sbc-fra\.prefix: prefix 203\.0\.113\.0\/24 overlaps 203\.0\.113\.0\/26, which houses host "sbc-ams"/,
  });
  await writeFile(
    join(dir, 'community.yaml'),
    base.replace(
      '{ prefix: 203.0.113.0/26, class: voice }',
      '{ prefix: 203.0.113.0/26, class: voice, communities: ["8075:70000"] }',
    ),
  );
  await t.throwsAsync(loadTopology(join(dir, 'community.yaml')), {
    message: /communities\.0: must be two 16-bit values, such as "8075:8007" \(each 0-65535\)/,
  });
});

test('a name that breaks its pattern says the rule; a topology name up would refuse is refused by check', async (t) => {
  const { parseYamlSource } = await import('../src/util/yaml-source.js');
  const text = await readFile('topologies/maps-voice.yaml', 'utf8');
  const load = (edited: string) => () => resolveSource(parseYamlSource('t.yaml', edited));
  t.throws(load(text.replace('ams-pe1: { daemon: bird }', 'AMS_PE1: { daemon: bird }')), {
    message: /^t\.yaml:\d+:\d+: peer\.routers\.AMS_PE1: the name "AMS_PE1" must start with a lowercase letter/,
  });
  t.throws(load(text.replace('name: maps-voice', `name: ${'a'.repeat(32)}`)), {
    message: /name: must be at most 31 characters/,
  });
  t.throws(load(text.replace('name: maps-voice', `name: "${'x'.repeat(200)}"`)), {
    message: /got "x{50,57}\.\.\.$/,
  });
});

test('YAML aliases: one naming no anchor, a bomb and a cycle are each refused at the alias, by what they are', async (t) => {
  const { parseYamlSource } = await import('../src/util/yaml-source.js');
  t.throws(() => parseYamlSource('a.yaml', 'x: 1\ny: *nope\n'), {
    instanceOf: InputError,
    message: /^a\.yaml:2:4: YAML alias \*nope refers to no anchor before it$/,
  });
  const bomb = ['a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]'];
  for (const n of 'bcdefg')
    bomb.push(
      `${n}: &${n} [${Array(10)
        .fill(`*${String.fromCharCode(n.charCodeAt(0) - 1)}`)
        .join(', ')}]`,
    );
  t.throws(() => parseYamlSource('b.yaml', `${bomb.join('\n')}\n`), {
    instanceOf: InputError,
    message: /^b\.yaml:2:\d+: YAML aliases expand past 100 nodes \(an alias bomb\?\)$/,
  });
  t.deepEqual(parseYamlSource('c.yaml', 'a: &a {k: 1}\nb: *a\n').data, { a: { k: 1 }, b: { k: 1 } });
});

test("peer.customers: the partner's customers are bound with their prefixes, and one in the lab's ranges is refused at its place", async (t) => {
  const dir = await tempDir(t, 'customers');
  const base = await readFile('examples/partner-voice/topology.yaml', 'utf8');
  const withCustomers = (prefix: string) =>
    base.replace(
      /^( {2}prefixes:)/m,
      `  customers:\n    - { asn: 64501, prefixes: [203.0.113.224/27, ${prefix}] }\n$1`,
    );
  await cp('examples/partner-voice/configs', join(dir, 'configs'), { recursive: true });
  await writeFile(join(dir, 'topology.yaml'), withCustomers('203.0.113.192/27'));
  const model = await loadTopology(join(dir, 'topology.yaml'));
  t.deepEqual(model.peer.customers, [{ asn: 64501, prefixes: ['203.0.113.224/27', '203.0.113.192/27'] }]);
  const witnesses = sandboxPlan(model, 'fra-pe1').witnesses.filter((w) => w.kind === 'declared-customer');
  t.deepEqual(
    witnesses.map((w) => [w.prefix, w.asPath]),
    [
      ['203.0.113.224/27', [64501]],
      ['203.0.113.192/27', [64501]],
    ],
  );
  await writeFile(join(dir, 'topology.yaml'), withCustomers('198.51.100.0/25'));
  const error = await t.throwsAsync(loadTopology(join(dir, 'topology.yaml')), { instanceOf: InputError });
  t.regex(error!.message, /topology\.yaml:\d+:\d+: .*198\.51\.100\.0\/25 overlaps the lab's microsoftProvided range/);
  t.regex(error!.message, /peer\.customers\.0\.prefixes\.1/);
});
