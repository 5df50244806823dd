import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { InputError } from '../src/errors.js';
import { checkRequirements } from '../src/requirements/check.js';
import { renderLab } from '../src/render/render.js';
import { writeRenderedLab } from '../src/render/write.js';
import { routerContract } from '../src/topology/contract.js';
import { loadTopology } from '../src/topology/load.js';
import { peerlab } from './helpers/fixtures.js';
import { leftovers } from './helpers/labs.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

const example = 'examples/partner-voice/topology.yaml';

test('a partner config runs instead of a rendered one; check cites its own lines', async (t) => {
  const model = await loadTopology(example);
  const fra = renderLab(model).find((c) => c.node === 'fra-pe1')!;
  t.is(fra.source, 'examples/partner-voice/configs/fra-pe1.conf');
  t.is(fra.text, await readFile(join(root, fra.source!), 'utf8'));
  t.is(
    renderLab(model).find((c) => c.node === 'fra-pe2')!.source,
    undefined,
    'routers without config keep rendered ones',
  );
  const report = checkRequirements(model);
  const community = report.results.find((r) => r.rule === 'R-COMMUNITY')!;
  t.is(community.status, 'pass');
  t.true(community.evidence.includes('pass: tagging at examples/partner-voice/configs/fra-pe1.conf:18'));
  t.true(community.evidence.includes('pass: tagging at examples/partner-voice/configs/ams-pe1.conf:13'));
});

test('the contract names interfaces, addresses, sessions and what to announce; render publishes it', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const c = routerContract(
    model,
    model.nodes.find((n) => n.name === 'fra-pe1')!,
  );
  t.deepEqual(
    c.sessions.map((s) => [s.neighbor, s.remoteAsn, s.peer, s.kind]),
    [
      ['198.51.100.4', 8075, 'fra-msee1', 'interconnect'],
      ['192.0.2.4', 64500, 'peer-core', 'ibgp'],
    ],
  );
  t.deepEqual(
    c.interfaces.map((i) => [i.name, i.kind, i.address ?? '-']),
    [
      ['fra-ic1', 'lag', '198.51.100.5/31'],
      ['fra-ic1-m1', 'member', '-'],
      ['fra-ic1-m2', 'member', '-'],
      ['e-peer-core', 'link', '192.0.2.5/31'],
    ],
  );
  const out = await tempDir(t, 'contract');
  await writeRenderedLab(model, out);
  const text = await readFile(join(out, 'fra-pe1', 'contract.txt'), 'utf8');
  t.regex(text, /neighbor 198\.51\.100\.4 remote-as 8075 {3}\(fra-msee1; local address 198\.51\.100\.5\)/);
  t.regex(text, /BFD 300 ms x 3 \(required: T-VOICE\)/);
  t.regex(text, /203\.0\.113\.0\/26 with 8075:8007/);
  t.is(JSON.parse(await readFile(join(out, 'fra-pe1', 'contract.json'), 'utf8')).asn, 64500);
});

/** The example in a temporary folder, with one line of one partner config changed. */
async function broken(t: ExecutionContext, router: 'fra-pe1' | 'ams-pe1', from: string | RegExp, to: string) {
  const dir = await tempDir(t, 'partner');
  await cp(join(root, 'examples', 'partner-voice'), dir, { recursive: true });
  const file = join(dir, 'configs', `${router}.conf`);
  const text = await readFile(file, 'utf8');
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`${from} not in ${router}.conf`);
  await writeFile(file, changed);
  const lineOf = (needle: string) => changed.split('\n').findIndex((l) => l.includes(needle)) + 1;
  return { topology: join(dir, 'topology.yaml'), file: relative(process.cwd(), file), lineOf };
}

const refused = async (t: ExecutionContext, topology: string) =>
  (await t.throwsAsync(loadTopology(topology), { instanceOf: InputError }))!.message;

test('a wrong remote-as is refused at its line, with the AS the lab expects', async (t) => {
  const b = await broken(t, 'fra-pe1', 'neighbor MSFT remote-as 8075', 'neighbor MSFT remote-as 8076');
  t.is(
    await refused(t, b.topology),
    `${b.file}:${b.lineOf('remote-as 8076')}:1: neighbor 198.51.100.4 remote-as 8076: fra-msee1 (the AS8075 edge over fra/ic1) is AS8075`,
  );
});

test('a session to an address on no link is refused, naming the sessions the lab runs', async (t) => {
  const b = await broken(t, 'fra-pe1', ' neighbor 192.0.2.4 remote-as 64500', ' neighbor 192.0.2.99 remote-as 64500');
  t.regex(
    await refused(t, b.topology),
    new RegExp(
      `^${b.file}:${b.lineOf('192.0.2.99 remote-as')}:1: neighbor 192\\.0\\.2\\.99 is on no link of fra-pe1 but no session the lab runs; its sessions: 198\\.51\\.100\\.4 \\(fra-msee1, AS8075\\), 192\\.0\\.2\\.4 \\(peer-core, AS64500\\)$`,
    ),
  );
});

test('a missing session to the edge is refused at router bgp, with the neighbor the lab expects', async (t) => {
  const b = await broken(t, 'fra-pe1', ' neighbor 198.51.100.4 peer-group MSFT\n', '');
  t.is(
    await refused(t, b.topology),
    `${b.file}:${b.lineOf('router bgp')}:1: no session to the AS8075 edge fra-msee1 over fra/ic1: the lab expects neighbor 198.51.100.4 remote-as 8075`,
  );
});

test('an address the lab did not allocate is refused', async (t) => {
  const b = await broken(
    t,
    'fra-pe1',
    '!\nrouter bgp',
    '!\ninterface fra-ic1\n ip address 198.51.100.9/31\nexit\n!\nrouter bgp',
  );
  t.is(
    await refused(t, b.topology),
    `${b.file}:${b.lineOf('interface fra-ic1')}:1: interface fra-ic1 address 198.51.100.9/31: the lab allocated 198.51.100.5/31 to it`,
  );
});

test("a config its daemon's parser refuses is refused at the parser's line (FRR and BIRD)", async (t) => {
  const frr = await broken(t, 'fra-pe1', ' bgp log-neighbor-changes', ' bgp log-neighbour-changes');
  t.regex(
    await refused(t, frr.topology),
    new RegExp(`^${frr.file}:${frr.lineOf('log-neighbour')}:1: frr's parser refused it: line \\d+: % Unknown command`),
  );
  const bird = await broken(t, 'ams-pe1', 'local as 64500;\n  bfd', 'local as 64500\n  bfd');
  t.regex(
    await refused(t, bird.topology),
    new RegExp(`^${bird.file}:\\d+:\\d+: bird's parser refused it: .*syntax error`),
  );
});

/** The example with ams-pe1's edge protocol moved into `sessions/edge.conf`, included where it stood. */
async function included(t: ExecutionContext, edge: string, include = 'sessions/edge.conf') {
  const b = await broken(t, 'ams-pe1', /protocol bgp msft_ams_ic1 from msft \{[^}]*\}\n/, `include "${include}";\n`);
  const dir = join(dirname(b.topology), 'configs');
  await mkdir(join(dir, 'sessions'), { recursive: true });
  await writeFile(join(dir, 'sessions', 'edge.conf'), edge);
  return { ...b, edge: relative(process.cwd(), join(dir, 'sessions', 'edge.conf')) };
}

test('BIRD includes: the included file is parsed, checked at its own lines, and placed beside the config', async (t) => {
  const good = 'protocol bgp msft_ams_ic1 from msft {\n  neighbor 198.51.100.0 as 8075;\n}\n';
  const ok = await included(t, good);
  const model = await loadTopology(ok.topology);
  t.deepEqual(model.nodes.find((n) => n.name === 'ams-pe1')!.config!.includes, [
    { path: 'sessions/edge.conf', text: good },
  ]);
  const out = await tempDir(t, 'render');
  await writeRenderedLab(model, out);
  t.is(await readFile(join(out, 'ams-pe1', 'sessions', 'edge.conf'), 'utf8'), good);
  // The contract is checked through the include, at the included file's line.
  const wrong = await included(t, good.replace('as 8075', 'as 8076'));
  t.is(
    await refused(t, wrong.topology),
    `${wrong.edge}:2:1: neighbor 198.51.100.0 remote-as 8076: ams-msee1 (the AS8075 edge over ams/ic1) is AS8075`,
  );
  // What the lab cannot place beside the config is refused at the include, by name.
  for (const [path, why] of [
    ['/etc/bird/edge.conf', /an absolute path reads the node's own filesystem/],
    ['../edge.conf', /it leaves the folder of the config/],
    ['sessions/*.conf', /does not expand wildcards/],
    ['sessions/missing.conf', /cannot read .*missing\.conf \(ENOENT\)/],
  ] as const) {
    const b = await included(t, good, path);
    const message = await refused(t, b.topology);
    t.true(message.startsWith(`${b.file}:${b.lineOf('include')}:10: `), message);
    t.regex(message, why);
  }
});

test('a BIRD protocol with a wrong local AS is refused at the protocol, templates followed', async (t) => {
  const b = await broken(t, 'ams-pe1', '  local as 64500;\n  bfd', '  local as 64501;\n  bfd');
  t.is(
    await refused(t, b.topology),
    `${b.file}:${b.lineOf('protocol bgp msft_ams_ic1')}:1: local AS 64501: the lab runs ams-pe1 as AS64500 (peer.asn, or its own asn)`,
  );
});

test.serial('peerlab up with a broken partner config: exit 2 with the line, and nothing is created', async (t) => {
  const b = await broken(t, 'fra-pe1', 'neighbor MSFT remote-as 8075', 'neighbor MSFT remote-as 8076');
  const up = await peerlab('up', b.topology, '--name', 'partner-refused', '--runtime', 'netns');
  t.is(up.exitCode, 2);
  t.regex(up.stderr, /^peerlab: \S+fra-pe1\.conf:\d+:1: neighbor 198\.51\.100\.4 remote-as 8076/);
  t.notRegex(up.stderr, /\n\s+at /, 'no stack trace');
  t.deepEqual(await leftovers('partner-refused'), [], 'nothing of the refused lab exists');
});

test('a daemon version the driver does not have is refused at the field, naming the versions', async (t) => {
  const dir = await tempDir(t, 'version');
  await cp(join(root, 'examples', 'partner-voice'), dir, { recursive: true });
  const file = join(dir, 'topology.yaml');
  await writeFile(
    file,
    (await readFile(file, 'utf8')).replace('fra-pe2: { daemon: frr }', 'fra-pe2: { daemon: frr, version: "9.9" }'),
  );
  t.regex(
    await refused(t, file),
    /topology\.yaml:\d+:\d+: peer\.routers\.fra-pe2\.version: frr has no version "9\.9" here; versions: 8\.4, 10\.3$/,
  );
});

test.serial(
  'the netns runtime refuses a version the host does not run (exit 69) before creating anything',
  async (t) => {
    const up = await peerlab(
      'up',
      'examples/partner-voice/topology-current.yaml',
      '--name',
      'partner-netns',
      '--runtime',
      'netns',
    );
    t.is(up.exitCode, 69, up.stderr);
    t.regex(
      up.stderr,
      /runs (bird 2\.17|frr 10\.3) \(Debian trixie\); the netns runtime runs this host's daemons \(Debian bookworm\): use --runtime docker/,
    );
    t.deepEqual(await leftovers('partner-netns'), []);
  },
);

/** The example with its topology changed (a router's line) and, optionally, its ruleset. */
async function variant(t: ExecutionContext, router: string, to: string, ruleset?: string) {
  const dir = await tempDir(t, 'partner-net');
  await cp(join(root, 'examples', 'partner-voice'), dir, { recursive: true });
  const file = join(dir, 'topology.yaml');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(new RegExp(`^    ${router}: .*$`, 'm'), `    ${router}: ${to}`));
  if (ruleset) await writeFile(join(dir, 'configs', 'fra-pe1.nft'), ruleset);
  return file;
}
const rule = async (topology: string, id: string) =>
  checkRequirements(await loadTopology(topology)).results.find((r) => r.rule === id)!;

test('R-NO-RATE-LIMIT: a shaper the partner runs on an interconnect fails check, citing the tc command', async (t) => {
  const file = await variant(
    t,
    'fra-pe2',
    '{ daemon: frr, tc: ["qdisc add dev fra-ic2 root tbf rate 1gbit burst 128k latency 50ms"] }',
  );
  const result = await rule(file, 'R-NO-RATE-LIMIT');
  t.is(result.status, 'fail');
  t.true(
    result.evidence.includes(
      'fail: fra/ic2: fra-pe2 runs tc qdisc add dev fra-ic2 root tbf rate 1gbit burst 128k latency 50ms',
    ),
  );
  const model = await loadTopology(file);
  t.deepEqual(model.nodes.find((n) => n.name === 'fra-pe2')!.tc, [
    ['qdisc', 'add', 'dev', 'fra-ic2', 'root', 'tbf', 'rate', '1gbit', 'burst', '128k', 'latency', '50ms'],
  ]);
});

test('R-NO-STATEFUL-FW: connection tracking in the partner ruleset fails check at its line', async (t) => {
  const file = await variant(
    t,
    'fra-pe2',
    '{ daemon: frr }',
    'table inet edge {\n  chain transit {\n    type filter hook forward priority 0; policy drop;\n    ct state established,related accept\n  }\n}\n',
  );
  const result = await rule(file, 'R-NO-STATEFUL-FW');
  t.is(result.status, 'fail');
  t.true(
    result.evidence.some((e) =>
      /fra-pe1: connection tracking at \S+fra-pe1\.nft:4 \(ct state established,related accept\)/.test(e),
    ),
  );
});

test('a ruleset nft refuses, or tc on an interface the router lacks, is exit 2 at its place', async (t) => {
  const bad = await variant(
    t,
    'fra-pe2',
    '{ daemon: frr }',
    'table inet edge {\n  chain transit {\n    ip saddr 10.0.0.0/8 dorp\n  }\n}\n',
  );
  t.regex(await refused(t, bad), /fra-pe1\.nft:3:\d+: nft refused it: /);
  const tc = await variant(
    t,
    'fra-pe2',
    '{ daemon: frr, tc: ["qdisc add dev eth9 root tbf rate 1gbit burst 128k latency 50ms"] }',
  );
  t.regex(
    await refused(t, tc),
    /topology\.yaml:\d+:\d+: peer\.routers\.fra-pe2\.tc\.0: "qdisc add dev eth9 .*": fra-pe2 has no interface eth9; its interfaces: fra-ic2, /,
  );
});

test("R-MAX-PREFIX reads the partner's own limit, not the topology's", async (t) => {
  const b = await broken(t, 'fra-pe1', 'neighbor MSFT maximum-prefix 500 90', 'neighbor MSFT maximum-prefix 300 90');
  const result = checkRequirements(await loadTopology(b.topology)).results.find((r) => r.rule === 'R-MAX-PREFIX')!;
  t.is(result.status, 'fail');
  t.true(result.evidence.includes(`fail: fra-pe1: limit 300 at ${b.file}:${b.lineOf('maximum-prefix 300')}`));
});

test("the partner's own interface names: their ruleset, tc and config keep them, the lab runs its own", async (t) => {
  const ruleset = (await readFile(join(root, 'examples/partner-voice/configs/fra-pe1.nft'), 'utf8')).replace(
    'iifname "fra-ic1"',
    'iifname "bond1"',
  );
  const file = await variant(
    t,
    'fra-pe1',
    '{ daemon: frr, config: configs/fra-pe1.conf, nftables: configs/fra-pe1.nft, interfaces: { bond1: fra-ic1, xe0: fra-ic1-m1 }, tc: ["qdisc add dev xe0 root fq_codel"] }',
    ruleset,
  );
  const node = (await loadTopology(file)).nodes.find((n) => n.name === 'fra-pe1')!;
  t.regex(node.nftables!.text, /iifname "fra-ic1" ip saddr @bogons/, 'the lab runs its own name');
  t.notRegex(node.nftables!.text, /bond1/);
  t.deepEqual(node.tc, [['qdisc', 'add', 'dev', 'fra-ic1-m1', 'root', 'fq_codel']]);
  const unmapped = await variant(
    t,
    'fra-pe1',
    '{ daemon: frr, nftables: configs/fra-pe1.nft, tc: ["qdisc add dev xe0 root fq_codel"] }',
    ruleset,
  );
  t.regex(await refused(t, unmapped), /fra-pe1 has no interface xe0; its interfaces: fra-ic1, /);
  const wrong = await variant(t, 'fra-pe1', '{ daemon: frr, interfaces: { bond1: fra-ic9 } }');
  t.regex(
    await refused(t, wrong),
    /topology\.yaml:18:\d+: peer\.routers\.fra-pe1\.interfaces\.bond1: fra-pe1 has no interface fra-ic9; its interfaces: fra-ic1, fra-ic1-m1/,
  );
  const twice = await variant(t, 'fra-pe1', '{ daemon: frr, interfaces: { bond1: fra-ic1, bond2: fra-ic1 } }');
  t.regex(await refused(t, twice), /fra-ic1 is already named bond1: one name per interface/);
});
