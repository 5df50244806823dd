import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { renderFrrPolicies, privateAsnRegex } from '../src/daemons/frr/render/policy.js';
import { renderLab } from '../src/render/render.js';
import { validateConfig } from '../src/daemons/validate.js';
import { classifyAsn } from '../src/topology/asn.js';
import { loadTopology } from '../src/topology/load.js';
import { fixtures } from './helpers/fixtures.js';
import { goldenDir, referenceTopologies } from './helpers/reference.js';

const topologies = [...referenceTopologies, ...fixtures('requirements', 'expect-fail').map((f) => f.file)];

for (const file of topologies) {
  test(`${file}: every rendered config is accepted by the real parser (vtysh --dryrun, bird -p)`, async (t) => {
    const model = await loadTopology(file);
    const configs = renderLab(model);
    t.is(configs.length, model.nodes.filter((n) => n.role !== 'host').length, 'one config per router');
    const results = await Promise.all(configs.map(validateConfig));
    for (const r of results) t.true(r.ok, `${r.config.node}/${r.config.file}:\n${r.output}`);
  });
}

test('the parsers are real: a broken FRR and a broken BIRD config are refused with the line', async (t) => {
  const frr = await validateConfig({
    node: 'x',
    daemon: 'frr',
    file: 'frr.conf',
    text: 'router bgp 64500\n bogus words\n',
  });
  const bird = await validateConfig({
    node: 'x',
    daemon: 'bird',
    file: 'bird.conf',
    text: 'router id 1.2.3.4;\nprotocol bogus {}\n',
  });
  t.false(frr.ok);
  t.regex(frr.output, /Unknown command.*bogus words/);
  t.false(bird.ok);
  t.regex(bird.output, /x\/bird\.conf:2/);
});

for (const file of referenceTopologies) {
  test(`${file}: rendered configs match the reviewed golden files (npm run golden to update)`, async (t) => {
    const model = await loadTopology(file);
    const goldens = (await readdir(goldenDir(model.name), { recursive: true })).filter((f) => /\.conf$/.test(f)).sort();
    t.deepEqual(
      renderLab(model)
        .map((c) => `${c.node}/${c.file}`)
        .sort(),
      goldens,
      'the same config files as the goldens',
    );
    for (const config of renderLab(model)) {
      const golden = await readFile(join(goldenDir(model.name), config.node, config.file), 'utf8');
      t.is(config.text, golden, `${config.node}/${config.file}`);
    }
  });
}

const configOf = async (file: string, node: string) =>
  renderLab(await loadTopology(file)).find((c) => c.node === node)!.text;

test('the Microsoft edge rejects private ASNs and long paths on small prefixes before accepting 8075:8007', async (t) => {
  const text = await configOf('topologies/maps-direct.yaml', 'sea-msee1');
  const order = [
    'route-map FROM-PEER deny 10',
    'match as-path PRIVATE-ASN',
    'route-map FROM-PEER deny 20',
    'match as-path PATH-LEN-GE-4',
    'route-map FROM-PEER permit 30',
    'match community CL-8075-8007',
  ];
  const positions = order.map((line) => text.indexOf(line));
  t.true(
    positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!)),
    positions.join(','),
  );
  t.regex(text, /neighbor 198\.51\.100\.\d+ soft-reconfiguration inbound/);
});

test('the Microsoft core announces 280 service prefixes and exports only those to the transit (R-NO-READVERTISE)', async (t) => {
  const text = await configOf('topologies/maps-direct.yaml', 'msft-core');
  t.is(text.match(/^ {2}network 198\.1[89]\.\d+\.0\/24$/gm)?.length, 280);
  t.regex(text, /route-map TO-TRANSIT permit 10\n match ip address prefix-list MSFT-SERVICES\nexit/);
  t.notRegex(text, /route-map TO-TRANSIT permit 20/);
});

test('the peer core prefers peering over the transit and spreads over every interconnect', async (t) => {
  const text = await configOf('topologies/maps-direct.yaml', 'peer-core');
  t.regex(text, /route-map FROM-TRANSIT permit 10\n set local-preference 50/);
  t.regex(text, /maximum-paths ibgp 16/);
});

test('BIRD peer routers tag registered prefixes with 8075:8007 and enforce max-prefix and BFD timers', async (t) => {
  const text = await configOf('topologies/maps-voice.yaml', 'ams-pe1');
  t.regex(text, /if \(net ~ ps_tagged_1\) then \{ # R-COMMUNITY\n\s+bgp_community\.add\(\(8075,8007\)\);/);
  t.regex(text, /define ps_tagged_1 = \[ 203\.0\.113\.0\/26, 203\.0\.113\.64\/26 \];/);
  t.regex(text, /import limit 500 action disable;/);
  t.regex(text, /bfd \{ interval 300 ms; multiplier 3; \};/);
});

test('T-ERS route server originates customer prefixes behind their origin ASN', async (t) => {
  const text = await configOf('topologies/maps-ers.yaml', 'ixp-rs');
  t.regex(text, /if source != RTS_BGP && net = 203\.0\.113\.0\/25 then \{\n\s+bgp_path\.prepend\(64503\);/);
  const edge = await configOf('topologies/maps-ers.yaml', 'lon-msee1');
  t.regex(edge, /bgp as-path access-list ORIGIN-AS-64503-64504 seq 5 permit _64503\$/);
});

test('FRR private-ASN regex matches exactly the RFC 6996 ranges BIRD uses', (t) => {
  const js = new RegExp(privateAsnRegex.replaceAll('_', '(^| |$)'));
  const samples = [
    0, 1, 8075, 64511, 64512, 64999, 65000, 65534, 65535, 65536, 4199999999, 4200000000, 4250000000, 4294967294,
    4294967295,
  ];
  for (const asn of samples) t.is(js.test(`64500 ${asn} 64501`), classifyAsn(asn) === 'private', String(asn));
});

test('an FRR route-map entry refuses two as-path matches instead of silently dropping one', (t) => {
  const policies = [
    { name: 'X', terms: [{ match: { privateAsnInPath: true as const, minPathLength: 4 }, action: 'deny' as const }] },
  ];
  t.throws(() => renderFrrPolicies([], policies), { message: /one as-path match/ });
});
