import test from 'ava';
import { expectedState, withFloors } from '../src/lab/expected.js';
import { readinessProblems, reachabilityPairs, ReadinessError, Refused, waitUntil } from '../src/lab/readiness.js';
import type { Clock } from '../src/util/clock.js';
import { countFibRoutes, type NodeSnapshot } from '../src/lab/snapshot.js';
import { loadTopology } from '../src/topology/load.js';

test('expected state: peer routers receive the 280 service prefixes, the edge accepts only what passes its policy', async (t) => {
  const voice = expectedState(await loadTopology('topologies/maps-voice.yaml'));
  const count = (e: typeof voice, node: string, session: string) =>
    e.find((n) => n.node === node)!.bgp.find((b) => b.session === session)!.received;
  t.is(count(voice, 'ams-pe1', 'ams/ic1'), 280);
  t.is(count(voice, 'ams-msee1', 'ams/ic1'), 2); // two registered voice prefixes; the unregistered /25 is refused
  const untagged = expectedState(await loadTopology('test/fixtures/requirements/missing-community.yaml'));
  t.is(count(untagged, 'a-msee1', 'a/ic1'), 0);
  const longPath = expectedState(await loadTopology('test/fixtures/requirements/long-path-small-prefix.yaml'));
  t.is(count(longPath, 'a-msee1', 'a/ic1'), 0);
  const ers = expectedState(await loadTopology('topologies/maps-ers.yaml'));
  t.is(count(ers, 'lon-msee1', 'lon/ic1'), 2);
});

const converged = (): Map<string, NodeSnapshot> =>
  new Map([
    [
      'r1',
      {
        node: 'r1',
        bgp: [{ peer: '192.0.2.1', state: 'Established', received: 5 }],
        bfd: [{ peer: '192.0.2.1', state: 'up' }],
        lags: [
          {
            name: 'b1',
            negotiated: true,
            members: [
              { name: 'b1-m1', enabled: true },
              { name: 'b1-m2', enabled: true },
            ],
          },
        ],
      },
    ],
  ]);
const want = [
  {
    node: 'r1',
    bgp: [{ peer: '192.0.2.1', session: 'x/ic1', received: 5 }],
    bfd: [{ peer: '192.0.2.1', session: 'x/ic1' }],
    lags: [{ name: 'b1', members: ['b1-m1', 'b1-m2'] }],
  },
];

test('readiness problems name the node, session, member and last state', (t) => {
  t.deepEqual(readinessProblems(want, converged()), []);
  const broken = converged();
  const r1 = broken.get('r1')!;
  r1.bgp[0] = { peer: '192.0.2.1', state: 'Idle', received: 0, info: 'BFD session down' };
  r1.bfd[0] = { peer: '192.0.2.1', state: 'init' };
  r1.lags[0]!.members[1]!.enabled = false;
  t.deepEqual(readinessProblems(want, broken), [
    'r1: LAG b1 member b1-m2 disabled',
    'r1: BFD x/ic1 to 192.0.2.1 is init',
    'r1: BGP x/ic1 to 192.0.2.1 is Idle (BFD session down)',
  ]);
  r1.bgp[0] = { peer: '192.0.2.1', state: 'Established', received: 3 };
  t.true(readinessProblems(want, broken).includes('r1: BGP x/ic1 to 192.0.2.1 has 3 prefixes, expected 5'));
  t.deepEqual(readinessProblems(want, new Map()), [
    'r1: LAG b1 not found',
    'r1: BFD x/ic1 to 192.0.2.1 is absent',
    'r1: BGP x/ic1 to 192.0.2.1 is absent',
  ]);
  const slow = converged();
  slow.set('r1', { ...slow.get('r1')!, bgp: [], late: ['bgp'] });
  t.deepEqual(readinessProblems(want, slow), ['r1: BGP x/ic1 to 192.0.2.1 is unknown (no answer in time)']);
});

function fakeClock(): Clock & { slept: number } {
  let now = 0;
  const clock = {
    slept: 0,
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      clock.slept += ms;
    },
  };
  return clock;
}

test('waitUntil returns once nothing is wrong, and fails with the last problems at the timeout', async (t) => {
  const clock = fakeClock();
  let calls = 0;
  t.is(
    await waitUntil('lab', async () => (++calls < 3 ? ['not yet'] : []), { timeoutMs: 10_000, intervalMs: 500, clock }),
    1000,
  );
  const error = await t.throwsAsync(
    waitUntil('lab', async () => ['r1: BGP x is Active'], { timeoutMs: 3000, intervalMs: 1000, clock: fakeClock() }),
    { instanceOf: ReadinessError },
  );
  t.deepEqual(error.problems, ['r1: BGP x is Active']);
  t.regex(error.message, /did not converge within 3 s; not ready:\n {2}r1: BGP x is Active/);
});

test('a wait ends at the second poll in a row that finds only sessions the configs keep down, not at its timeout', async (t) => {
  const clock = fakeClock();
  let calls = 0;
  const refused = new Refused(['r1: BGP x to 192.0.2.1 is Idle, refused: Bad Peer AS']);
  const error = await t.throwsAsync(
    waitUntil('lab', async () => (++calls < 3 ? ['r1: BFD x to 192.0.2.1 is down'] : refused), {
      timeoutMs: 60_000,
      intervalMs: 1000,
      clock,
    }),
    { instanceOf: ReadinessError },
  );
  t.is(calls, 4);
  t.true(error.refused);
  t.deepEqual(error.problems, ['r1: BGP x to 192.0.2.1 is Idle, refused: Bad Peer AS']);
  t.regex(error.message, /^lab lab cannot converge: after 3 s, .*the two ends' configs keep down/);
});

test('one poll that finds only kept-down sessions does not end a wait (a daemon caught applying its config)', async (t) => {
  let calls = 0;
  const waited = await waitUntil(
    'lab',
    async () => {
      calls++;
      if (calls === 1) return new Refused(['r1: BFD x to 192.0.2.1 is down, cannot come up: r2 runs no BFD']);
      return calls < 4 ? ['r1: BFD x to 192.0.2.1 is init'] : [];
    },
    { timeoutMs: 60_000, intervalMs: 1000, clock: fakeClock() },
  );
  t.is(calls, 4);
  t.is(waited, 3000);
});

test('every peer host must reach every Microsoft host', async (t) => {
  const pairs = reachabilityPairs(await loadTopology('topologies/maps-voice.yaml'));
  t.deepEqual(pairs, [
    { from: 'sbc-ams', to: 'teams-media', address: '198.18.0.2' },
    { from: 'sbc-fra', to: 'teams-media', address: '198.18.0.2' },
  ]);
});

test('restored, for a session whose count only a partner config decides: Established is not enough, it needs what it had before the fault', async (t) => {
  const model = await loadTopology('examples/partner-voice/topology.yaml');
  const expected = expectedState(model);
  const fra = expected.find((e) => e.node === 'fra-pe1')!;
  const session = fra.bgp.find((b) => b.session === 'fra/ic1')!;
  t.is(session.received, undefined, "the lab cannot predict what the partner's own config accepts");
  const floored = withFloors(expected, { received: { 'fra-pe1': { [session.peer]: 280 } }, fib: {} });
  const snapshot = (received: number): Map<string, NodeSnapshot> =>
    new Map([
      [
        'fra-pe1',
        { node: 'fra-pe1', bgp: [{ peer: session.peer, state: 'Established', received }], bfd: [], lags: [] },
      ],
    ]);
  const problems = (received: number) =>
    readinessProblems(
      floored
        .filter((e) => e.node === 'fra-pe1')
        .map((e) => ({ ...e, bgp: e.bgp.filter((b) => b.peer === session.peer), bfd: [], lags: [] })),
      snapshot(received),
    );
  t.deepEqual(problems(0), [`fra-pe1: BGP fra/ic1 to ${session.peer} has 0 prefixes, had 280 before the fault`]);
  t.deepEqual(problems(280), []);
  t.deepEqual(problems(281), [], 'more than before is not a missing route');
  // A count the lab predicts keeps its own exact check.
  const ams = withFloors(expected, { received: { 'ams-pe2': { x: 1 } }, fib: {} }).find((e) => e.node === 'ams-pe2')!;
  t.true(ams.bgp.every((b) => b.receivedAtLeast === undefined));
});

test('restored, for every router: sessions up with their routes are not enough, its kernel needs the routes it had before the fault', async (t) => {
  const model = await loadTopology('examples/partner-voice/topology.yaml');
  const floored = withFloors(expectedState(model), { received: {}, fib: { 'fra-pe1': 284, 'ams-pe2': 12 } });
  const fra = floored.find((e) => e.node === 'fra-pe1')!;
  t.is(fra.fibAtLeast, 284);
  t.is(floored.find((e) => e.node === 'ams-pe1')!.fibAtLeast, undefined, 'no count before the fault: no floor');
  // BIRD 3.1.8 up, its 280 routes received and told to its core, its kernel with only its 4 connected routes.
  const problems = (fib: number | undefined) =>
    readinessProblems(
      [{ ...fra, bgp: [], bfd: [], lags: [] }],
      new Map([['fra-pe1', { node: 'fra-pe1', bgp: [], bfd: [], lags: [], ...(fib === undefined ? {} : { fib }) }]]),
    );
  t.deepEqual(problems(4), ['fra-pe1: its kernel has 4 routes, had 284 before the fault']);
  t.deepEqual(problems(undefined), ['fra-pe1: its kernel has no readable routes, had 284 before the fault']);
  t.deepEqual(problems(284), []);
  t.deepEqual(problems(290), [], 'more than before is not a missing route');
});

test('the kernel route count is the lines of /proc/net/route after its header', (t) => {
  const header = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';
  const route = (dst: string) => `chi-ic2\t${dst}\t0664330A\t0003\t0\t0\t32\t00FFFFFF\t0\t0\t0`;
  t.is(countFibRoutes(`${header}\n`), 0);
  t.is(countFibRoutes([header, route('000012C6'), route('000112C6'), ''].join('\n')), 2);
});
