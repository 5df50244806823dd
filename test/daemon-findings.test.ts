import test from 'ava';
import { checkRequirements } from '../src/requirements/check.js';
import type { RouterEvidence, SessionEvidence } from '../src/requirements/router-evidence.js';
import { loadTopology } from '../src/topology/load.js';

const voice = () => loadTopology('examples/partner-voice/topology.yaml');

/** fra-pe1 as a sandbox saw it: the edge session with `edge`, the core session up. */
function evidence(edge: Partial<SessionEvidence>): RouterEvidence {
  return {
    router: 'fra-pe1',
    daemon: 'frr',
    version: '8.4',
    elapsedMs: 4000,
    witnesses: [],
    sessions: [
      {
        kind: 'interconnect',
        stands: 'fra/ic1',
        localAs: 8075,
        state: 'Established',
        bfd: { state: 'up', intervalMs: 300, detectionMs: 900 },
        received: [
          { prefix: '203.0.113.0/26', asPath: [64500], communities: ['8075:8007'], largeCommunities: [] },
          { prefix: '203.0.113.64/26', asPath: [64500], communities: ['8075:8007'], largeCommunities: [] },
        ],
        ...edge,
      },
      { kind: 'ibgp', stands: 'peer-core', localAs: 64500, state: 'Established', received: [] },
    ],
  };
}

const rule = (report: ReturnType<typeof checkRequirements>, id: string) =>
  report.results.find((r) => r.rule === id)!.evidence.filter((l) => l.includes('fra-pe1') || l.includes('fra/ic1'));

test('a partner config is judged on what its daemon did: BFD as negotiated, the tag as the edge received it', async (t) => {
  const model = await voice();
  const good = checkRequirements(model, new Map([['fra-pe1', evidence({})]]));
  t.deepEqual(rule(good, 'R-BFD'), [
    "pass: fra/ic1: BFD up with fra-pe1's frr 8.4: 300 ms x 3 = 900 ms detection at the edge, as negotiated",
  ]);
  t.true(rule(good, 'R-COMMUNITY').every((l) => l.startsWith('pass: fra/ic1: 203.0.113.')));

  const slow = checkRequirements(
    model,
    new Map([['fra-pe1', evidence({ bfd: { state: 'up', intervalMs: 300, detectionMs: 1500 } })]]),
  );
  t.regex(rule(slow, 'R-BFD')[0]!, /300 ms x 5 = 1500 ms detection .*slower than the edge's 900 ms/);

  const noBfd = checkRequirements(
    model,
    new Map([['fra-pe1', evidence({ bfd: { state: 'down', intervalMs: 1000, detectionMs: 0 } })]]),
  );
  t.regex(
    rule(noBfd, 'R-BFD')[0]!,
    /^fail: fra\/ic1: fra-pe1's frr 8.4 runs no BFD with the edge .*required for T-VOICE/,
  );

  const untagged = checkRequirements(
    model,
    new Map([
      [
        'fra-pe1',
        evidence({
          received: [
            { prefix: '203.0.113.0/26', asPath: [64500], communities: [], largeCommunities: [] },
            { prefix: '198.19.236.0/25', asPath: [64500, 64496, 64497, 64498], communities: [], largeCommunities: [] },
            { prefix: '198.19.235.0/24', asPath: [64500, 64499, 65001], communities: [], largeCommunities: [] },
          ],
        }),
      ],
    ]),
  );
  t.deepEqual(rule(untagged, 'R-COMMUNITY'), [
    "fail: fra/ic1: 203.0.113.0/26 reaches the edge without 8075:8007 (fra-pe1's frr 8.4)",
    "fail: fra/ic1: fra-pe1's frr 8.4 does not announce 203.0.113.64/26",
  ]);
  t.regex(rule(untagged, 'R-NO-PRIVATE-ASN-IN-PATH').join('\n'), /198\.19\.235\.0\/24 with private AS65001/);
  t.regex(rule(untagged, 'R-ASPATH-SMALL-PREFIX').join('\n'), /198\.19\.236\.0\/25 is a \/25 with 4 ASNs/);
  t.regex(
    rule(untagged, 'R-OWN-IPV4').join('\n'),
    /warn: fra\/ic1: .* leaks 2 routes to AS8075 outside the peer's space: 198\.19\.236\.0\/25 .*RFC 7908 route leak; MANRS/,
  );

  const down = checkRequirements(
    model,
    new Map([['fra-pe1', evidence({ state: 'Active', info: 'Received: Bad peer AS' })]]),
  );
  t.regex(
    rule(down, 'R-BFD')[0]!,
    /^fail: fra\/ic1: fra-pe1's frr 8.4 did not establish BGP with the edge \(Active: Received: Bad peer AS\)/,
  );
});

test('R-MAX-PREFIX is judged on the limit the daemon holds, cited at the line that sets that number', async (t) => {
  const model = await voice();
  const judge = (prefixLimits: SessionEvidence['prefixLimits']) =>
    rule(
      checkRequirements(model, new Map([['fra-pe1', evidence(prefixLimits ? { prefixLimits } : {})]])),
      'R-MAX-PREFIX',
    );
  const held = (limit: number, action: 'session-down' | 'warn' = 'session-down') => [
    {
      limit,
      counts: 'accepted' as const,
      action,
      said: action === 'warn' ? 'warning-only' : 'session down until cleared',
    },
  ];
  t.deepEqual(judge(held(500)), [
    "pass: fra/ic1: fra-pe1's frr 8.4 holds a limit of 500 accepted prefixes, then the session goes down (session down until cleared) at examples/partner-voice/configs/fra-pe1.conf:57",
  ]);
  // A limit the file does not write (a group's default, say): judged, with no line to cite.
  t.regex(
    judge(held(300))[0]!,
    /^fail: fra\/ic1: .* holds a limit of 300 accepted prefixes, then the session goes down \(session down until cleared\)$/,
  );
  t.regex(judge(held(350))[0]!, /^warn: /);
  t.regex(judge(held(100, 'warn'))[0]!, /^pass: .* a warning is logged, nothing else/);
  t.deepEqual(judge([]), ["fail: fra/ic1: fra-pe1's frr 8.4 holds no max-prefix toward AS8075"]);
  t.regex(judge(undefined)[0]!, /^n\/a: fra\/ic1: .* did not say which limit it holds/);
});

test('route leaks: one warning per edge, naming the first witnesses it was and counting the rest; T-ERS origins', async (t) => {
  const model = await voice();
  const route = (prefix: string, asPath: number[]) => ({ prefix, asPath, communities: [], largeCommunities: [] });
  const bulk = Array.from({ length: 10 }, (_, i) => route(`198.19.${200 + i}.0/24`, [64500, 64496]));
  const leaky: RouterEvidence = {
    ...evidence({ received: [route('203.0.113.0/26', [64500]), route('192.0.2.0/24', [64500, 64497]), ...bulk] }),
    witnesses: [{ prefix: '192.0.2.0/24', asPath: [64497], kind: 'bogon', why: 'a bogon (TEST-NET-1, RFC 5737)' }],
  };
  t.deepEqual(
    rule(checkRequirements(model, new Map([['fra-pe1', leaky]])), 'R-OWN-IPV4').filter((l) => /leak/.test(l)),
    [
      "warn: fra/ic1: fra-pe1's frr 8.4 leaks 11 routes to AS8075 outside the peer's space: 192.0.2.0/24 (path 64500 64497: a bogon (TEST-NET-1, RFC 5737)), 198.19.200.0/24 (path 64500 64496), 198.19.201.0/24 (path 64500 64496) and 8 more (RFC 7908 route leak; MANRS)",
    ],
  );
  const ers = await loadTopology('examples/partner-ers/topology.yaml');
  const lon: RouterEvidence = {
    ...evidence({
      stands: 'lon/ic1',
      received: [route('198.19.230.0/24', [64500, 64503]), route('198.19.229.0/24', [64500, 64505])],
    }),
    router: 'lon-pe1',
  };
  const report = checkRequirements(ers, new Map([['lon-pe1', lon]]));
  const origin = report.results.find((r) => r.rule === 'R-ORIGIN-ASN-REGISTERED')!;
  t.is(origin.status, 'fail');
  t.true(
    origin.evidence.includes(
      "fail: lon/ic1: lon-pe1's frr 8.4 sends 198.19.229.0/24 of origin AS64505, not registered",
    ),
  );
  const leaks = report.results.flatMap((r) => r.evidence).filter((l) => / leaks /.test(l));
  t.deepEqual(leaks.length, 1, 'the member of a registered origin is no leak; the other is');
  t.regex(leaks[0]!, /leaks a route to AS8075 outside the peer's space: 198\.19\.229\.0\/24/);
});

test('a sandbox read before its daemon had sent everything (a busy host): a missing route is inconclusive, not a FAIL', async (t) => {
  const model = await voice();
  const partial: RouterEvidence = {
    ...evidence({
      received: [{ prefix: '203.0.113.0/26', asPath: [64500], communities: ['8075:8007'], largeCommunities: [] }],
    }),
    unsettled: 'not settled after 20 s (fra/ic1: 1 of the 2 routes sent)',
  };
  const report = checkRequirements(model, new Map([['fra-pe1', partial]]));
  t.deepEqual(rule(report, 'R-COMMUNITY'), [
    "pass: fra/ic1: 203.0.113.0/26 reaches the edge tagged 8075:8007 (fra-pe1's frr 8.4)",
    "inconclusive: fra/ic1: 203.0.113.64/26 had not reached the edge from fra-pe1's frr 8.4: not settled after 20 s (fra/ic1: 1 of the 2 routes sent)",
  ]);
  t.is(report.results.find((r) => r.rule === 'R-COMMUNITY')!.status, 'inconclusive');
});
