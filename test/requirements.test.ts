import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { classifyAsn, type AsnClass } from '../src/topology/asn.js';
import { ruleIds, rules } from '../src/requirements/catalog.js';
import { checkRequirements } from '../src/requirements/check.js';
import { resolveTopology } from '../src/topology/resolve.js';
import { loadTopology } from '../src/topology/load.js';
import { topologySchema } from '../src/topology/schema.js';
import { fixtures } from './helpers/fixtures.js';
import { referenceTopologies, root, sharedFile } from './helpers/reference.js';

const failing = (report: ReturnType<typeof checkRequirements>) =>
  [...new Set(report.results.filter((r) => r.status === 'fail').map((r) => r.rule))].sort();

test('the rule catalogue is exactly the spec: every R-* ID, with its kind', async (t) => {
  const spec = await readFile(sharedFile('spec/requirements.md'), 'utf8');
  const rows = [...spec.matchAll(/^\| (R-[A-Z0-9-]+) \|.*\| ([SDC, ]+) \|$/gm)].map((m) => [
    m[1]!,
    m[2]!.replace(/ /g, ''),
  ]);
  t.true(rows.length >= 20);
  t.deepEqual(Object.fromEntries(rows), Object.fromEntries(ruleIds.map((id) => [id, rules[id].kind])));
});

for (const file of referenceTopologies) {
  test(`${file}: no requirement fails; every rule is reported`, async (t) => {
    const report = checkRequirements(await loadTopology(file));
    t.deepEqual(failing(report), []);
    t.deepEqual([...new Set(report.results.map((r) => r.rule))], ruleIds);
  });
}

for (const { file, expected } of fixtures('requirements', 'expect-fail')) {
  test(`${file} fails exactly ${expected}`, async (t) => {
    const report = checkRequirements(await loadTopology(file));
    t.deepEqual(failing(report), expected.split(' ').sort());
    t.is(report.status, 'fail');
  });
}

const minimal = (type: 'direct' | 'voice' | 'ers', metros: Record<string, string[]>) =>
  topologySchema.parse({
    name: 'x',
    type,
    peer: {
      asn: 8283,
      'registered-origin-asns': [8283],
      routers: Object.fromEntries(
        Object.values(metros)
          .flat()
          .map((r) => [r, {}]),
      ),
      prefixes: [{ prefix: '203.0.113.0/24', class: 'data' }],
    },
    metros: Object.fromEntries(
      Object.entries(metros).map(([m, routers]) => [
        m,
        {
          interconnects: Object.fromEntries(
            routers.map((r, i) => [`ic${i + 1}`, { 'peer-router': r, 'edge-router': `${r}-ms` }]),
          ),
        },
      ]),
    ),
    transit: { asn: 174 },
  });

test('R-GEO-REDUNDANCY is reported under both readings: fail (MUST) for T-DIRECT, warn for T-ERS', (t) => {
  const oneMetro = { a: ['a1', 'a2'] };
  const direct = checkRequirements(resolveTopology(minimal('direct', oneMetro), 'x.yaml'));
  const ers = checkRequirements(resolveTopology(minimal('ers', oneMetro), 'x.yaml'));
  const geo = (r: typeof direct) =>
    r.results.filter((x) => x.rule === 'R-GEO-REDUNDANCY').map((x) => [x.reading, x.status]);
  t.deepEqual(geo(direct), [
    ['MUST: walkthroughs', 'fail'],
    ['recommended: overviews', 'warn'],
  ]);
  t.deepEqual(geo(ers), [
    ['MUST: walkthroughs', 'warn'],
    ['recommended: overviews', 'warn'],
  ]);
});

test('a public ASN and public prefixes outside lab ranges pass R-ASN-PUBLIC without a lab flag', (t) => {
  const report = checkRequirements(
    resolveTopology({ ...minimal('direct', { a: ['a1', 'a2'], b: ['b1', 'b2'] }), lab: false }, 'x.yaml'),
  );
  t.is(report.results.find((r) => r.rule === 'R-ASN-PUBLIC')?.status, 'pass');
});

test('documentation ASNs are accepted only in lab mode', (t) => {
  const file = {
    ...minimal('direct', { a: ['a1', 'a2'], b: ['b1', 'b2'] }),
    peer: { ...minimal('direct', {}).peer, asn: 64500 },
  };
  file.peer.routers = {
    a1: { daemon: 'frr', 'stateful-firewall': false },
    a2: { daemon: 'frr', 'stateful-firewall': false },
    b1: { daemon: 'frr', 'stateful-firewall': false },
    b2: { daemon: 'frr', 'stateful-firewall': false },
  };
  const status = (lab: boolean) =>
    checkRequirements(resolveTopology({ ...file, lab }, 'x.yaml')).results.find((r) => r.rule === 'R-ASN-PUBLIC')
      ?.status;
  t.is(status(true), 'warn');
  t.is(status(false), 'fail');
});

test('ASN classes follow RFC 5398, RFC 6996 and IANA reservations', (t) => {
  const cases: [number, AsnClass][] = [
    [8075, 'public'],
    [0, 'reserved'],
    [23456, 'reserved'],
    [64496, 'documentation'],
    [64511, 'documentation'],
    [64512, 'private'],
    [65534, 'private'],
    [65535, 'reserved'],
    [65536, 'documentation'],
    [65551, 'documentation'],
    [65552, 'reserved'],
    [131072, 'public'],
    [4200000000, 'private'],
    [4294967294, 'private'],
    [4294967295, 'reserved'],
  ];
  for (const [asn, kind] of cases) t.is(classifyAsn(asn), kind, String(asn));
});

test('evidence cites the rendered peer config lines', async (t) => {
  const report = checkRequirements(await loadTopology('topologies/maps-voice.yaml'));
  const community = report.results.find((r) => r.rule === 'R-COMMUNITY')!;
  t.true(
    community.evidence.some((e) => /tagging at ams-pe1\/bird\.conf:\d+/.test(e)),
    community.evidence.join('\n'),
  );
  const maxPrefix = report.results.find((r) => r.rule === 'R-MAX-PREFIX')!;
  t.true(maxPrefix.evidence.some((e) => /^pass: fra-pe1: limit 500 at fra-pe1\/frr\.conf:\d+$/.test(e)));
});

/** A two-metro direct topology with `change` applied to its file, resolved and checked. */
function checked(change: (file: ReturnType<typeof minimal>) => void) {
  const file = minimal('direct', { a: ['a1', 'a2'], b: ['b1', 'b2'] });
  change(file);
  return checkRequirements(resolveTopology(file, 'x.yaml')).results;
}
const ruleOf = (results: ReturnType<typeof checked>, id: string) => results.filter((r) => r.rule === id);

test('R-ACTIVE-ACTIVE compares effective values: MED 0 written on one twin is no difference, MED 10 is', (t) => {
  const med = (value: number) =>
    ruleOf(
      checked((f) => void (f.metros.a!.interconnects.ic2!.policy = { med: value })),
      'R-ACTIVE-ACTIVE',
    )[0]!;
  t.is(med(0).status, 'pass', med(0).evidence.join('\n'));
  t.is(med(10).status, 'fail');
  t.regex(med(10).evidence[0]!, /a\/ic1: local-pref 100, MED 0, .*a\/ic2: local-pref 100, MED 10/);
});

test('R-ASPATH-SMALL-PREFIX counts the path as sent: prepends on one interconnect make a /25 too long there', (t) => {
  const results = checked((f) => {
    f.peer.prefixes = [{ prefix: '203.0.113.0/25', class: 'data', registered: false, 'as-path': [64496, 64497] }];
    f.metros.b!.interconnects.ic1!.policy = { prepend: 1 };
  });
  const accepted = ruleOf(results, 'R-ASPATH-SMALL-PREFIX').find((r) => r.reading?.startsWith('/25+'))!;
  t.is(accepted.status, 'fail');
  t.true(accepted.evidence.includes('pass: 203.0.113.0/25 path 8283 64496 64497 (on a/ic1, a/ic2, b/ic2) has 3 ASNs'));
  t.true(
    accepted.evidence.includes(
      'fail: 203.0.113.0/25 path 8283 8283 64496 64497 (on b/ic1) has 4 ASNs as sent, prepends included (must be fewer than 4)',
    ),
  );
});

test('R-ASN-PUBLIC judges every ASN the routers use: a private per-router override; AS8075 as the peer is an input error', (t) => {
  const override = ruleOf(
    checked((f) => void (f.peer.routers.a2 = { daemon: 'frr', asn: 65001, 'stateful-firewall': false })),
    'R-ASN-PUBLIC',
  )[0]!;
  t.is(override.status, 'fail');
  t.true(override.evidence.includes('fail: a2 (its own asn): AS65001 is private'));
  // AS8075 as the peer's own ASN is not a design to judge but a mistake: refused at the field.
  t.throws(() => checked((f) => void (f.peer.asn = 8075)), {
    message: /peer\.asn: AS8075 is the Microsoft side's ASN \(microsoft\.asn\), not the peer's own/,
  });
});

test("R-MAX-PREFIX judges the limit each config sets, against the edge's announcement plus 15%", (t) => {
  const at = (limit: number) =>
    ruleOf(
      checked((f) => void (f.peer['max-prefix'] = limit)),
      'R-MAX-PREFIX',
    )[0]!;
  t.is(at(500).status, 'pass');
  t.is(at(350).status, 'warn');
  t.is(at(300).status, 'fail');
  t.is(
    at(300).evidence[0],
    'the edge announces 280; below 322 (that plus 15% growth) fails, below 400 warns, 400-500 is the documented setting',
  );
  t.regex(at(300).evidence[1]!, /^fail: a1: limit 300 at a1\/frr\.conf:\d+$/);
});

test('the copies of the shared spec and containerlab schema kept for clones elsewhere equal the originals', async (t) => {
  for (const path of ['spec/requirements.md', 'reference/containerlab/clab.schema.json']) {
    const original = join(root, '..', 'shared', path);
    if (!existsSync(original)) {
      t.log(`${original} is not beside this checkout: the copy is what the tests read`);
      continue;
    }
    t.is(
      await readFile(join(root, 'test', 'fixtures', 'shared', path), 'utf8'),
      await readFile(original, 'utf8'),
      path,
    );
  }
  t.pass();
});
