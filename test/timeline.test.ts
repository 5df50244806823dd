import test from 'ava';
import { carryLate, diffSnapshots, parseNetDev } from '../src/observe/timeline.js';
import type { NodeSnapshot } from '../src/lab/snapshot.js';

const up: NodeSnapshot = {
  node: 'ams-pe1',
  bgp: [{ peer: '198.51.100.0', state: 'Established', received: 280 }],
  bfd: [{ peer: '198.51.100.0', state: 'up' }],
  lags: [
    {
      name: 'ams-ic1',
      negotiated: true,
      members: [
        { name: 'ams-ic1-m1', enabled: true },
        { name: 'ams-ic1-m2', enabled: true },
      ],
    },
  ],
};

test('a gray failure shows as BFD down and BGP leaving Established, with its routes, in one sample', (t) => {
  const down: NodeSnapshot = {
    ...up,
    bgp: [{ peer: '198.51.100.0', state: 'Idle', received: 0 }],
    bfd: [{ peer: '198.51.100.0', state: 'down' }],
  };
  t.deepEqual(
    diffSnapshots(up, down, 1000, 1100).map(
      (e) => `${e.kind} ${e.subject} ${e.from}->${e.to} @${e.sinceMs}..${e.atMs}`,
    ),
    [
      'bfd 198.51.100.0 up->down @1000..1100',
      'bgp 198.51.100.0 Established->Idle @1000..1100',
      'routes 198.51.100.0 280->0 @1000..1100',
    ],
  );
});

test("a session's fall carries the daemon's reason and its mechanism (BIRD's error; FRR's is asked for)", (t) => {
  const fell = (info: string): NodeSnapshot => ({
    ...up,
    bgp: [{ peer: '198.51.100.0', state: 'Idle', received: 0, info }],
  });
  const bgp = (next: NodeSnapshot) => diffSnapshots(up, next, 0, 100).find((e) => e.kind === 'bgp')!;
  t.like(bgp(fell('BFD session down')), { detail: 'BFD session down', cause: 'bfd' });
  t.like(bgp(fell('Neighbor lost')), { detail: 'Neighbor lost', cause: 'carrier' });
  // What FRR 8.4 says a moment after a LAG lost carrier under an eBGP session (seen on every carrier row of a matrix).
  t.like(bgp(fell('Waiting for NHT')), { cause: 'carrier' });
  t.like(bgp(fell('Received: Cease')), { detail: 'Received: Cease', cause: undefined });
  t.is(bgp({ ...up, bgp: [{ peer: '198.51.100.0', state: 'Idle', received: 0 }] }).detail, undefined);
});

test('a member expired by LACP, and a daemon that stops answering, are events too', (t) => {
  const expired: NodeSnapshot = {
    ...up,
    lags: [{ ...up.lags[0]!, members: [{ name: 'ams-ic1-m1', enabled: false }, up.lags[0]!.members[1]!] }],
  };
  t.deepEqual(
    diffSnapshots(up, expired, 0, 100).map((e) => [e.kind, e.subject, e.to]),
    [['member', 'ams-ic1-m1', 'disabled']],
  );
  const crashed: NodeSnapshot = { ...up, bgp: [], bfd: [] };
  t.deepEqual(
    diffSnapshots(up, crashed, 0, 100).map((e) => [e.kind, e.to]),
    [
      ['bfd', 'absent'],
      ['bgp', 'absent'],
      ['routes', 'absent'],
    ],
  );
  t.deepEqual(diffSnapshots(up, up, 0, 100), []);
});

test('/proc/net/dev gives packets in, out and dropped per interface', (t) => {
  const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
ams-ic1: 1234567   8910    0    3    0     0          0         0  7654321    1112    0    4    0     0       0          0
`;
  t.deepEqual(parseNetDev(text), { 'ams-ic1': { rx: 8910, tx: 1112, drops: 7 } });
});

test('a daemon that runs but answers too late changes nothing: no false session-down, no false restore', (t) => {
  const late: NodeSnapshot = { ...up, bgp: [], bfd: [{ peer: '198.51.100.0', state: 'down' }], late: ['bgp'] };
  const seen = carryLate(up, late);
  t.deepEqual(
    diffSnapshots(up, seen, 0, 100).map((e) => `${e.kind} ${e.to}`),
    ['bfd down'],
    "BGP keeps its last answer; BFD's own answer still counts",
  );
  t.deepEqual(
    diffSnapshots(seen, up, 100, 200).map((e) => `${e.kind} ${e.to}`),
    ['bfd up'],
  );
  t.is(carryLate(up, { ...up, bgp: [], bfd: [] }).bgp.length, 0, 'a daemon that is not there reads as absent');
});
