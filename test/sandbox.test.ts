import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { Address4 } from 'ip-address';
import { missingTool } from '../src/errors.js';
import { imageTagOf } from '../src/lab/image.js';
import type { ImageEngine } from '../src/runtime/images.js';
import { sandboxRouters } from '../src/sandbox/for-check.js';
import { sandboxPlan } from '../src/sandbox/plan.js';
import { parseBirdBfdTimers, parseBirdRoutes } from '../src/sandbox/read.js';
import { overlaps, parsePrefix } from '../src/topology/addresses.js';
import { loadTopology } from '../src/topology/load.js';
import { hostCodename } from '../src/util/host.js';
import { runCommand } from '../src/util/run.js';
import { tempDir } from './helpers/temp.js';

const voice = () => loadTopology('examples/partner-voice/topology.yaml');

test("a partner router's sandbox: the router as the lab names and addresses it, one stub holding every session of its contract", async (t) => {
  const plan = sandboxPlan(await voice(), 'fra-pe1');
  t.deepEqual(
    plan.model.nodes.map((n) => n.name),
    ['fra-pe1', 'stub'],
  );
  const router = plan.model.nodes[0]!;
  t.deepEqual(
    router.interfaces.map((i) => `${i.name} ${i.kind} ${i.address}`),
    ['fra-ic1 p2p 198.51.100.5/31', 'e-peer-core p2p 192.0.2.5/31'],
    'the LAG is a plain link of the same name and address: the config sees the interfaces it will run on',
  );
  t.truthy(router.config, "the partner's own config runs");
  t.deepEqual(
    plan.sessions.map(
      (s) =>
        `${s.protocol} ${s.stands} AS${s.localAs}->AS${s.remoteAs} ${s.stubAddress} bfd ${s.bfd?.intervalMs ?? '-'}`,
    ),
    ['edge0 fra/ic1 AS8075->AS64500 198.51.100.4 bfd 300', 'core1 peer-core AS64500->AS64500 192.0.2.4 bfd -'],
  );
  t.deepEqual(plan.model.interconnects, [], 'no LAG to negotiate');
  t.throws(() => sandboxPlan(plan.model, 'fra-msee1'), { message: /no peer router "fra-msee1"/ });
});

test("the stub's config is one BIRD accepts, and its witness routes probe the rules' boundaries without touching the lab's prefixes", async (t) => {
  const model = await voice();
  const plan = sandboxPlan(model, 'ams-pe1');
  const dir = await tempDir(t, 'sandbox');
  await writeFile(join(dir, 'stub.conf'), plan.model.nodes[1]!.config!.text);
  const parsed = await runCommand(['bird', '-p', '-c', join(dir, 'stub.conf')], { allowFailure: true });
  t.is(parsed.exitCode, 0, parsed.stderr);
  const kinds = new Set(plan.witnesses.map((w) => w.kind));
  for (const k of [
    'registered',
    'unregistered',
    'more-specific',
    'customer',
    'long-path-small-prefix',
    'private-asn',
    'default',
    'bogon',
    'internet',
    'bulk',
  ])
    t.true(kinds.has(k as never), k);
  t.true(plan.witnesses.filter((w) => w.kind === 'bulk').length >= 150, 'a batch of a few hundred routes at once');
  t.false(kinds.has('member-registered'), 'members are T-ERS');
  const services = model.microsoft.servicePrefixes.map(parsePrefix);
  // The bogon is TEST-NET-1 itself, the aggregate of the lab's own link addresses (a less specific route).
  t.deepEqual(
    plan.witnesses.filter((w) => w.kind === 'bogon').map((w) => w.prefix),
    ['192.0.2.0/24'],
  );
  for (const w of plan.witnesses.filter(
    (x) => !['default', 'bogon', 'unregistered'].includes(x.kind) && !x.kind.startsWith('reg'),
  )) {
    const p = parsePrefix(w.prefix);
    t.false(
      services.some((s) => overlaps(s, p)),
      `${w.prefix} overlaps no service prefix`,
    );
    t.true(p.isInSubnet(new Address4('198.18.0.0/15')) || p.isInSubnet(new Address4('203.0.113.0/24')), w.prefix);
  }
  const long = plan.witnesses.find((w) => w.kind === 'long-path-small-prefix')!;
  t.is(long.asPath.length + 1, 4, 'with the peer its own ASN, 4 ASNs on a /25');
  const prefixes = plan.witnesses.map((w) => w.prefix);
  t.is(new Set(prefixes).size, prefixes.length, 'every witness a prefix of its own');
  const ers = sandboxPlan(await loadTopology('examples/partner-ers/topology.yaml'), 'lon-pe1').witnesses;
  const members = ers.filter((w) => w.kind.startsWith('member-'));
  t.true(members.some((w) => w.kind === 'member-registered'));
  t.true(members.some((w) => w.kind === 'member-unregistered'));
});

test('what the stub received and BFD as negotiated, read from birdc', (t) => {
  const routes = parseBirdRoutes(
    [
      'Table t_edge0:',
      '203.0.113.0/26       unicast [edge0 08:01:02.345] * (100) [AS64500i]',
      '\tvia 198.51.100.5 on s0',
      '\tType: BGP univ',
      '\tBGP.origin: IGP',
      '\tBGP.as_path: 64500 64496',
      '\tBGP.next_hop: 198.51.100.5',
      '\tBGP.med: 50',
      '\tBGP.community: (8075,8007) (64500,100)',
      '\tBGP.large_community: (64500, 1, 2)',
      '203.0.113.64/26      unicast [edge0 08:01:02.345] * (100) [AS64500i]',
      '\tBGP.as_path: 64500',
    ].join('\n'),
  );
  t.deepEqual(routes, [
    {
      prefix: '203.0.113.0/26',
      asPath: [64500, 64496],
      communities: ['8075:8007', '64500:100'],
      largeCommunities: ['64500:1:2'],
      med: 50,
    },
    { prefix: '203.0.113.64/26', asPath: [64500], communities: [], largeCommunities: [] },
  ]);
  t.deepEqual(
    parseBirdBfdTimers(
      [
        'bfd1:',
        'IP address                Interface  State      Since         Interval  Timeout',
        '198.51.100.5              s0         Up         08:01:01.000    0.300    1.500',
      ].join('\n'),
    ),
    [{ peer: '198.51.100.5', state: 'up', intervalMs: 300, detectionMs: 1500 }],
  );
});

test("check's sandbox of a version the host does not run: its router image when there, else a note naming the build command", async (t) => {
  const model = await loadTopology('examples/partner-direct/topology.yaml');
  if (hostCodename() === 'trixie') return t.pass('this host runs FRR 10.3 and BIRD 3.1 itself');
  const images = (has: string[] | 'no engine'): ImageEngine => ({
    name: 'docker',
    exists: async (tag) => {
      if (has === 'no engine') throw missingTool('docker', 'docker.io');
      return has.includes(tag);
    },
    pull: async () => false,
    build: async () => {},
    importRoot: async () => {},
    runOnce: async () => ({ stdout: '', stderr: '', exitCode: 0 }),
  });
  const none = await sandboxRouters(model, { uid: 0, images: images([imageTagOf('bookworm')]) });
  t.is(none.evidence.size, 0);
  t.deepEqual(none.notes, [
    "sea-pe1: read from examples/partner-direct/configs/sea-pe1.conf only: its daemon version is Debian trixie's, this host is bookworm, and docker has no router image of trixie: peerlab image build --suite trixie builds it",
    "chi-pe2: read from examples/partner-direct/configs/chi-pe2.conf only: its daemon version is Debian trixie's, this host is bookworm, and docker has no router image of trixie: peerlab image build --suite trixie builds it",
  ]);
  const noEngine = await sandboxRouters(model, { uid: 0, images: images('no engine') });
  t.regex(noEngine.notes[0]!, /this host is bookworm, and docker is not installed$/);
});
