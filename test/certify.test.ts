import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import test from 'ava';
import { negotiatedDetection, settledEdges, type EdgeSession, type EdgeView } from '../src/certify/edge.js';
import { judgeEdge } from '../src/certify/edge-rules.js';
import { certRow, edgeObserves } from '../src/certify/merge.js';
import { readRuleset } from '../src/certify/running.js';
import { certificationScenarios } from '../src/certify/scenarios.js';
import { validateConfig } from '../src/daemons/validate.js';
import { certificationJunit, certificationMarkdown } from '../src/report/certification.js';
import { renderLab } from '../src/render/render.js';
import { checkRequirements } from '../src/requirements/check.js';
import { loadScenario } from '../src/scenario/load.js';
import type { Certification } from '../src/scenario/results.js';
import { loadTopology } from '../src/topology/load.js';
import { referenceTopologies, root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

const voice = () => loadTopology(join(root, 'topologies/maps-voice.yaml'));

/** The edge's view of a healthy voice lab: every twin sends both voice prefixes tagged, BFD up, LACP up. */
async function healthy(): Promise<EdgeView> {
  const model = await voice();
  const sessions = model.interconnects.map((ic): EdgeSession => {
    const s = model.sessions.find((x) => x.interconnect === ic.id)!;
    return {
      interconnect: ic.id,
      metro: ic.metro,
      role: ic.role,
      edge: ic.edgeRouter,
      peerRouter: ic.peerRouter,
      peer: s.a.node === ic.peerRouter ? s.a.address : s.b.address,
      bgp: 'Established',
      bfdConfigured: true,
      bfd: 'up',
      routes: model.peer.prefixes.map((p) => ({
        prefix: p.prefix,
        asPath: [model.peer.asn],
        origin: 'IGP',
        med: 0,
        accepted: p.registered,
        ...(p.registered ? { communities: ['8075:8007'] } : {}),
      })),
      lag: {
        name: ic.lag.interface,
        negotiated: true,
        members: [
          { name: 'm1', enabled: true },
          { name: 'm2', enabled: true },
        ],
      },
      membersConfigured: 2,
    };
  });
  return {
    sessions,
    gate: sessions.map((s) => ({ atMs: 2500, node: s.edge, peer: s.peer, event: 'released', bfd: 'up' })),
  };
}

const statuses = (findings: { status: string }[] | undefined) => [...new Set((findings ?? []).map((f) => f.status))];

test('edge evidence: a healthy voice lab passes every rule the edge judges', async (t) => {
  const judged = judgeEdge(await voice(), await healthy());
  // A voice lab is not T-ERS: the edge judges every rule but the ERS members' origin ASNs.
  const judgedRules = Object.entries(judged).filter(([, findings]) => findings?.length);
  t.deepEqual(
    Object.keys(judged).filter((rule) => !judgedRules.some(([r]) => r === rule)),
    ['R-ORIGIN-ASN-REGISTERED'],
    'every rule the edge can judge on a voice lab has a finding',
  );
  for (const [rule, findings] of judgedRules) t.deepEqual(statuses(findings), ['pass'], rule);
  t.regex(judged['R-BFD']![0]!.text, /held BGP until BFD was up and released it 2\.5 s after/);
});

test('edge evidence: a registered prefix refused for a missing community fails R-COMMUNITY, naming router and prefix', async (t) => {
  const model = await voice();
  const view = await healthy();
  const route = view.sessions[0]!.routes.find((r) => r.accepted)!;
  route.accepted = false;
  delete route.communities;
  const judged = judgeEdge(model, view);
  const fail = judged['R-COMMUNITY']!.filter((f) => f.status === 'fail');
  t.is(fail.length, 1);
  t.regex(
    fail[0]!.text,
    new RegExp(
      `${route.prefix.replace(/[./]/g, '\\$&')} from ${view.sessions[0]!.peerRouter} .*received without 8075:8007`,
    ),
  );
});

test('edge evidence: paths as received decide the path rules (private ASN, a prepended /25), MED decides active-active', async (t) => {
  const model = await voice();
  const view = await healthy();
  const [a, b] = view.sessions;
  a!.routes[0]!.asPath = [64500, 65010];
  b!.routes.push({
    prefix: '203.0.113.128/25',
    asPath: [64500, 64500, 64500, 64500],
    origin: 'IGP',
    med: 0,
    accepted: false,
  });
  const twin = view.sessions.find((s) => s.metro === view.sessions[2]!.metro && s !== view.sessions[2])!;
  for (const r of view.sessions[2]!.routes) r.med = 50;
  const judged = judgeEdge(model, view);
  t.regex(
    judged['R-NO-PRIVATE-ASN-IN-PATH']!.find((f) => f.status === 'fail')!.text,
    /private AS65010 in the path \[64500 65010\]/,
  );
  t.regex(judged['R-ASPATH-SMALL-PREFIX']!.find((f) => f.status === 'fail')!.text, /a \/25 with 4 ASNs/);
  const aa = judged['R-ACTIVE-ACTIVE']!.filter((f) => f.status === 'fail').map((f) => f.text);
  t.true(
    aa.some((x) => /MED differs/.test(x) && x.includes(`${twin.interconnect}: MED 0`)),
    aa.join('\n'),
  );
});

test('edge evidence: a session the edge held for lack of BFD fails R-BFD; no routes at all fails the path rules', async (t) => {
  const model = await voice();
  const view = await healthy();
  const s = view.sessions[0]!;
  Object.assign(s, { bfd: 'down', bgp: 'Idle (Admin)', routes: [] });
  view.gate = view.gate.filter((e) => e.peer !== s.peer);
  const judged = judgeEdge(model, view);
  t.regex(judged['R-BFD']!.find((f) => f.status === 'fail')!.text, /held BGP all along: BFD from .* never came up/);
  for (const other of view.sessions) other.routes = [];
  t.deepEqual(
    statuses(judgeEdge(model, view)['R-NO-PRIVATE-ASN-IN-PATH']),
    ['fail'],
    'nothing received proves nothing',
  );
});

test("edge evidence: a session down because the lab's BFD gate failed is inconclusive, not the partner's R-BFD failure", async (t) => {
  const model = await voice();
  const view = await healthy();
  const s = view.sessions[0]!;
  Object.assign(s, { bfd: 'up', bgp: 'Idle (Admin)' });
  view.gate = [
    ...view.gate.filter((e) => e.peer !== s.peer),
    { atMs: 900, node: s.edge, peer: s.peer, event: 'failed', bfd: 'unknown', error: 'vtysh: no answer' },
  ];
  const findings = judgeEdge(model, view)['R-BFD']!.filter((f) => f.text.startsWith(`${s.interconnect}:`));
  t.deepEqual(
    findings.map((f) => f.status),
    ['inconclusive'],
  );
  t.regex(findings[0]!.text, /the lab's BFD gate failed there \(vtysh: no answer\)/);
});

test("running packet filter: connection tracking and forwarded-traffic limits are told from control-plane limits; the LAG driver's own table is not the partner's", (t) => {
  const rules = readRuleset(`table inet f {
	set bogons {
		type ipv4_addr
		elements = { 10.0.0.0/8 }
	}
	chain fwd {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		limit rate 100/second accept
	}
	chain in {
		type filter hook input priority filter; policy accept;
		tcp dport 179 limit rate 10/second accept
	}
}
table netdev peerlab_lag {
	chain out0 {
		type filter hook ingress device "ams-ic1.t" priority filter; policy drop;
		fwd to symhash mod 16 map @b0
	}
}`);
  t.deepEqual(
    rules.map((r) => [r.chain, r.forwarding, r.text]),
    [
      ['fwd', true, 'ct state established,related accept'],
      ['fwd', true, 'limit rate 100/second accept'],
      ['in', false, 'tcp dport 179 limit rate 10/second accept'],
    ],
  );
});

for (const file of [...referenceTopologies, join(root, 'examples/partner-voice/topology.yaml')])
  test(`certify scenarios for ${relative(root, file)} bind to its names`, async (t) => {
    const model = await loadTopology(file);
    const dir = join(await tempDir(t, 'certify-scenarios'), 'scenarios');
    await mkdir(dir);
    const { scenarios, skipped } = certificationScenarios(model, file, dir);
    for (const s of scenarios) {
      await writeFile(join(dir, `${s.name}.yaml`), s.text);
      const loaded = await loadScenario(join(dir, `${s.name}.yaml`));
      t.is(loaded.model.name, model.name);
    }
    const covered = new Set([...scenarios.flatMap((s) => s.covers), ...skipped.map((s) => s.id)]);
    for (const id of [
      'E-LAG-MEMBER',
      'E-ACTIVE-ACTIVE',
      'E-SILENT',
      'E-ROUTER',
      'E-GEO',
      'E-INTERNET',
      'E-RESTORE',
      'E-POLICY',
    ])
      t.true(covered.has(id), `${id} has a scenario or says why not`);
  });

test("the edge's BFD gate renders as FRR accepts it: neighbor shut down, BFD peer keyed like bgpd's", async (t) => {
  const model = { ...(await voice()), bfdGate: true };
  const edge = renderLab(model).find((c) => c.node === 'ams-msee1')!;
  t.regex(edge.text, /^ neighbor 198\.51\.100\.1 shutdown$/m);
  t.regex(edge.text, /^ peer 198\.51\.100\.1 local-address 198\.51\.100\.0 interface ams-ic1$/m);
  t.true((await validateConfig(edge)).ok);
  const plain = renderLab(await voice()).find((c) => c.node === 'ams-msee1')!;
  t.notRegex(plain.text, /shutdown/, 'labs outside certify do not gate');
});

test('the certification renders one row per ID in Markdown and JUnit', (t) => {
  const c: Certification = {
    topology: 't.yaml',
    type: 'voice',
    partnerFiles: [{ router: 'fra-pe1', daemon: 'frr', version: '10.3', config: 'configs/fra-pe1.conf' }],
    convergedMs: 12_000,
    rows: [
      {
        id: 'R-COMMUNITY',
        title: 'c',
        status: 'fail',
        sources: ['edge'],
        evidence: ['edge: fail: 203.0.113.64/26 untagged'],
      },
      { id: 'E-POLICY', title: 'p', status: 'n/a', sources: ['scenario'], evidence: ['scenario: n/a: the edge'] },
    ],
    passed: false,
  };
  const md = certificationMarkdown(c).join('\n');
  t.regex(md, /\| R-COMMUNITY \| c \| \*\*FAIL\*\* \| edge \| edge: fail: 203\.0\.113\.64\/26 untagged \|/);
  const junit = certificationJunit(c);
  t.regex(junit, /tests="2" failures="1" skipped="1"/);
  t.regex(junit, /<failure message="edge: fail: 203\.0\.113\.64\/26 untagged">/);
});

test('R-UTILIZATION: declared peaks give each LAG in normal operation and N-1, and say by how much 40% is passed', async (t) => {
  const model = await loadTopology(join(root, 'examples/partner-voice/broken/topology-edge.yaml'));
  const result = checkRequirements(model).results.find((r) => r.rule === 'R-UTILIZATION')!;
  t.is(result.status, 'warn');
  t.true(
    result.evidence.includes(
      'warn: ams/ic1 (20G): normal 30% (6.0G); N-1 worst 60% (12.0G) when ams/ic2 fails: 20 points over the 40% line after one failure',
    ),
    result.evidence.join('\n'),
  );
  t.true(result.evidence.includes('pass: fra/ic1 (20G): normal 18% (3.5G); N-1 worst 35% (7.0G) when fra/ic2 fails'));
  const none = checkRequirements(await voice()).results.find((r) => r.rule === 'R-UTILIZATION')!;
  t.is(none.status, 'n/a', 'no declared peak, no claim');
});

test('the edge is judged once it stops changing: a twin whose routes arrive after convergence is read with them', async (t) => {
  const full = await healthy();
  const late = { ...full, sessions: full.sessions.map((s, i) => (i === 0 ? { ...s, routes: [] } : s)) };
  let now = 0;
  const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
  // The first twin's routes arrive 3 s after the lab counted as converged.
  const read = async () => (now < 3_000 ? late : full);
  const view = await settledEdges(read, clock);
  t.deepEqual(view, full);
  t.is(now, 8_000, 'read 5 s after the last change');
  const judged = judgeEdge(await voice(), view);
  t.deepEqual(statuses(judged['R-ACTIVE-ACTIVE']), ['pass']);

  // A view that never settles is judged as it is at the deadline.
  now = 0;
  let flips = 0;
  const restless = await settledEdges(async () => (flips++ % 2 ? late : full), clock, { maxMs: 12_000 });
  t.is(now, 12_000);
  t.truthy(restless);
});

test("certify: what the edge observes is the truth; a static reading it contradicts is a discrepancy, never the row's verdict", (t) => {
  const staticNoBfd = {
    source: 'static' as const,
    crossCheck: true,
    findings: [{ status: 'fail' as const, text: "fra/ic1: fra-pe1's own config (fra-pe1.conf) configures no BFD" }],
  };
  const edgeUp = {
    source: 'edge' as const,
    findings: [{ status: 'pass' as const, text: 'fra/ic1: BFD up, BGP Established at fra-msee1' }],
  };
  const bfd = certRow('R-BFD', 'BFD', [staticNoBfd, edgeUp]);
  t.is(bfd.status, 'pass');
  t.deepEqual(bfd.evidence, ['edge: pass: fra/ic1: BFD up, BGP Established at fra-msee1']);
  t.deepEqual(bfd.discrepancies, [
    "static reading says fail: fra/ic1: fra-pe1's own config (fra-pe1.conf) configures no BFD; the lab showed it pass",
  ]);
  // The other way: the file reading passed a tag the edge never received.
  const community = certRow('R-COMMUNITY', 'community', [
    { source: 'static', crossCheck: true, findings: [{ status: 'pass', text: 'tagged at fra-pe1.conf:40' }] },
    { source: 'edge', findings: [{ status: 'fail', text: '203.0.113.0/26 from fra-pe1 without 8075:8007' }] },
  ]);
  t.is(community.status, 'fail');
  t.deepEqual(community.discrepancies, ['static reading says pass: tagged at fra-pe1.conf:40; the lab showed a fail']);
  // No lab to look at (it did not come up): the static reading is all there is, and it counts.
  t.is(certRow('R-BFD', 'BFD', [staticNoBfd]).status, 'fail');
  t.is(certRow('R-BFD', 'BFD', [staticNoBfd]).discrepancies, undefined);
  // A reading the edge cannot see (registration) counts beside the edge's pass.
  const registration = certRow('R-ASPATH-SMALL-PREFIX', 'small prefixes', [
    { source: 'static', findings: [{ status: 'warn', text: '/24 or shorter only: 203.0.113.0/25 is registered' }] },
    { source: 'edge', findings: [{ status: 'pass', text: 'no /25 with 4 ASNs as received' }] },
  ]);
  t.is(registration.status, 'warn');
  t.true(edgeObserves('R-ASPATH-SMALL-PREFIX', '/25+ accepted if path < 4'));
  t.false(edgeObserves('R-ASPATH-SMALL-PREFIX', '/24 or shorter only'));
  const md = certificationMarkdown({
    topology: 't.yaml',
    type: 'voice',
    partnerFiles: [],
    convergedMs: 1000,
    rows: [bfd],
    passed: true,
  }).join('\n');
  t.regex(md, /\| R-BFD \| BFD \| pass \| edge \| edge: pass: .*<br>discrepancy: static reading says fail: /);
});

test('certify: a static reading is checked against what the lab showed on the same interconnect, not against the whole row', (t) => {
  const row = certRow('R-BFD', 'BFD', [
    {
      source: 'static',
      crossCheck: true,
      findings: [
        { status: 'pass', text: 'ams/ic1: 300 ms x 3 = 900 ms detection (ams-pe1/bird.conf:50)' },
        { status: 'fail', text: "fra/ic1: fra-pe1's own config (fra-pe1.conf) configures no BFD" },
      ],
    },
    {
      source: 'edge',
      findings: [
        { status: 'pass', text: 'ams/ic1: BFD up, BGP Established at ams-msee1' },
        { status: 'fail', text: 'fra/ic1: BFD down, BGP Idle (Admin) at fra-msee1' },
      ],
    },
  ]);
  t.is(row.status, 'fail');
  t.is(row.discrepancies, undefined, 'each reading agrees with the lab on its own interconnect');
  t.true(row.evidence.includes('static: pass: ams/ic1: 300 ms x 3 = 900 ms detection (ams-pe1/bird.conf:50)'));
  // The same static pass beside an edge that failed ams/ic1 itself is a discrepancy.
  const contradicted = certRow('R-BFD', 'BFD', [
    { source: 'static', crossCheck: true, findings: [{ status: 'pass', text: 'ams/ic1: 900 ms detection' }] },
    { source: 'edge', findings: [{ status: 'fail', text: 'ams/ic1: BFD down at ams-msee1' }] },
  ]);
  t.deepEqual(contradicted.discrepancies, [
    'static reading says pass: ams/ic1: 900 ms detection; the lab showed a fail',
  ]);
});

test('R-BFD at the edge says the detection it negotiated, and when the partner made it slower than the topology', async (t) => {
  const model = await voice();
  const view = await healthy();
  view.sessions[0] = { ...view.sessions[0]!, bfdDetectMs: 1500, bfdRemoteMultiplier: 5 };
  view.sessions[1] = { ...view.sessions[1]!, bfdDetectMs: 900, bfdRemoteMultiplier: 3 };
  const [slow, usual] = judgeEdge(model, view)['R-BFD']!;
  t.is(slow!.status, 'pass');
  t.regex(
    slow!.text,
    /: BFD up, BGP Established at \S+; 1500 ms detection at the edge as negotiated \(\S+'s multiplier x 5\), slower than the topology's 900 ms: the scenarios' bounds follow it; /,
  );
  t.regex(usual!.text, /; 900 ms detection at the edge as negotiated \(\S+'s multiplier x 3\); the edge held BGP/);
  t.deepEqual([...negotiatedDetection(view)].slice(0, 2), [
    [view.sessions[0]!.interconnect, 1500],
    [view.sessions[1]!.interconnect, 900],
  ]);
});
