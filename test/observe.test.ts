import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import {
  parseBirdBfdSessions,
  parseBirdOpenError,
  parseBirdPrefixLimits,
  parseBirdProtocols,
} from '../src/daemons/bird/parse.js';
import { LabError } from '../src/errors.js';
import {
  parseFrrBfdPeers,
  parseFrrBgpSummary,
  parseFrrOpenError,
  parseFrrBfdConfigured,
  parseFrrPrefixLimits,
  parseFrrResetReason,
  parseReceivedRoutes,
  routeKeys,
} from '../src/daemons/frr/parse.js';
import { parseProcBonding } from '../src/lab/lag/kernel/parse.js';
import { parseOvsBondShow, parseOvsLacpShow, withLacp } from '../src/lab/lag/ovs/parse.js';
import { root } from './helpers/reference.js';

// Captured from a maps-voice lab (ams-pe1 BIRD, ams-msee1 FRR, OVS LAGs), healthy and with both ams/ic1 members down.
const sample = (name: string) => readFile(join(root, 'test', 'fixtures', 'observe', name), 'utf8');

test('FRR BGP summary: sessions with state, accepted and advertised prefixes, nothing queued', async (t) => {
  t.deepEqual(
    parseFrrBgpSummary(await sample('frr-bgp-up.json')).map((p) => [p.peer, p.state, p.received, p.sent, p.pending]),
    [
      ['192.0.2.8', 'Established', 281, 2, false],
      ['198.51.100.1', 'Established', 2, 280, false],
    ],
  );
  const down = parseFrrBgpSummary(await sample('frr-bgp-down.json')).find((p) => p.peer === '198.51.100.1')!;
  t.is(down.state, 'Connect');
  t.is(down.received, 0);
});

test('FRR BFD peers: up, then down', async (t) => {
  t.deepEqual(parseFrrBfdPeers(await sample('frr-bfd-up.json')), [
    { peer: '198.51.100.1', state: 'up', detectMs: 900, remoteMultiplier: 3 },
  ]);
  t.deepEqual(parseFrrBfdPeers(await sample('frr-bfd-down.json')), [{ peer: '198.51.100.1', state: 'down' }]);
});

test('FRR routes: no answer reads as none; an answer that is not JSON is an error, never "no routes"', (t) => {
  t.deepEqual(routeKeys(undefined, 'routes'), []);
  t.deepEqual(routeKeys('{"routes":{"203.0.113.0/25":[]}}', 'routes'), ['203.0.113.0/25']);
  t.deepEqual(parseReceivedRoutes(undefined), []);
  const error = t.throws(() => parseReceivedRoutes('% Unknown command: show bgp ipv4 unicast neighbors x'));
  t.true(error instanceof LabError, String(error));
  t.regex(error!.message, /^FRR answered received-routes with something that is not JSON: % Unknown command/);
});

test('BIRD protocols: BGP sessions only, with imported routes and the error that took one down', async (t) => {
  t.deepEqual(parseBirdProtocols(await sample('bird-protocols-up.txt')), [
    { peer: '198.51.100.0', state: 'Established', received: 280, sent: 3 },
    { peer: '192.0.2.0', state: 'Established', received: 3, sent: 280 },
  ]);
  const down = parseBirdProtocols(await sample('bird-protocols-down.txt'));
  t.like(down[0], { peer: '198.51.100.0', state: 'Idle', received: 0, info: 'BFD session down' });
});

// Captured from sandboxes of two corpus cases (BIRD 2.0.12 `receive limit 500 action restart`; FRR 8.4, a
// peer-group's maximum-prefix 300 overridden by the neighbor's 500 90).
test('prefix limits as the daemon holds them: BIRD receive limit with its action, FRR the neighbor over its group', async (t) => {
  const bird = await sample('bird-protocols-limits.txt');
  t.deepEqual(parseBirdPrefixLimits(bird, '198.51.100.0'), [
    { limit: 500, counts: 'received', action: 'restart', said: 'restart' },
  ]);
  t.deepEqual(parseBirdPrefixLimits(bird, '192.0.2.0'), [], 'the core session holds none');
  t.is(parseBirdPrefixLimits(bird, '198.51.100.9'), undefined, 'no protocol has that neighbor');
  const frr = await sample('frr-neighbor-maxprefix.json');
  t.deepEqual(parseFrrPrefixLimits(frr, '198.51.100.4'), [
    { limit: 500, counts: 'accepted', action: 'session-down', said: 'session down until cleared' },
  ]);
  const warn = JSON.stringify({
    '198.51.100.4': { addressFamilyInfo: { ipv4Unicast: { prefixAllowedMax: 100, prefixAllowedMaxWarning: true } } },
  });
  t.is(parseFrrPrefixLimits(warn, '198.51.100.4')![0]!.action, 'warn');
  t.deepEqual(parseFrrPrefixLimits('{"198.51.100.4":{"addressFamilyInfo":{"ipv4Unicast":{}}}}', '198.51.100.4'), []);
  t.is(parseFrrPrefixLimits(undefined, '198.51.100.4'), undefined);
});

test('BIRD BFD sessions', async (t) => {
  t.deepEqual(parseBirdBfdSessions(await sample('bird-bfd-up.txt')), [
    { peer: '198.51.100.0', state: 'up', detectMs: 900 },
  ]);
  t.deepEqual(parseBirdBfdSessions(await sample('bird-bfd-down.txt')), [{ peer: '198.51.100.0', state: 'down' }]);
});

test('OVS bond/show: negotiated with both members, then configured with none', async (t) => {
  t.deepEqual(parseOvsBondShow(await sample('ovs-bond-up.txt')), [
    {
      name: 'ams-ic1',
      negotiated: true,
      members: [
        { name: 'ams-ic1-m1', enabled: true },
        { name: 'ams-ic1-m2', enabled: true },
      ],
    },
  ]);
  t.deepEqual(parseOvsBondShow(await sample('ovs-bond-down.txt')), [
    {
      name: 'ams-ic1',
      negotiated: false,
      members: [
        { name: 'ams-ic1-m1', enabled: false },
        { name: 'ams-ic1-m2', enabled: false },
      ],
    },
  ]);
});

// Written from the kernel's bond_procfs.c format: this CI kernel has no bonding driver to capture from.
test('/proc/net/bonding: a member down or outside the active aggregator is not carrying traffic', async (t) => {
  t.deepEqual(parseProcBonding('ams-ic1', await sample('proc-bonding-one-member-down.txt')), {
    name: 'ams-ic1',
    negotiated: true,
    members: [
      { name: 'ams-ic1-m1', enabled: true },
      { name: 'ams-ic1-m2', enabled: false },
    ],
  });
  const unpaired = (await sample('proc-bonding-one-member-down.txt')).replace(
    'Partner Mac Address: 9a:4c:02:55:e1:07',
    'Partner Mac Address: 00:00:00:00:00:00',
  );
  t.false(parseProcBonding('ams-ic1', unpaired).negotiated);
});

test('OVS lacp/show: a member counts only while both ends collect and distribute on it', async (t) => {
  t.deepEqual(
    [...parseOvsLacpShow(await sample('ovs-lacp-up.txt'))],
    [
      ['a-ic2-m1', true],
      ['a-ic2-m2', true],
    ],
  );
  const down = parseOvsLacpShow(await sample('ovs-lacp-member-down.txt'));
  t.deepEqual(
    [...down],
    [
      ['a-ic2-m1', true],
      ['a-ic2-m2', false],
    ],
  );
  const lag = {
    name: 'a-ic2',
    negotiated: true,
    members: [
      { name: 'a-ic2-m1', enabled: true },
      { name: 'a-ic2-m2', enabled: true },
    ],
  };
  t.deepEqual(withLacp([lag], down)[0]!.members, [
    { name: 'a-ic2-m1', enabled: true },
    { name: 'a-ic2-m2', enabled: false },
  ]);
});

test("FRR's reason for a session's last reset comes from the neighbor's own view (the summary has none)", async (t) => {
  const json = await sample('frr-neighbor-maxprefix.json');
  const peer = Object.keys(JSON.parse(json) as object)[0]!;
  t.is(parseFrrResetReason(json, peer), 'Waiting for peer OPEN');
  t.is(parseFrrResetReason(json, '198.51.100.99'), undefined);
  t.is(parseFrrResetReason(undefined, peer), undefined);
});

// Captured from examples/partner-voice/broken/topology-no-bfd.yaml under certify: fra-pe1's own config has
// no `neighbor MSFT bfd`; fra-msee1 has it, with the neighbor shut down by the edge's BFD gate.
test("whether a neighbor runs BFD, in FRR's own view of it: peerBfdInfo, up or down", async (t) => {
  t.false(parseFrrBfdConfigured(await sample('frr-neighbor-no-bfd.json'), '198.51.100.4'));
  t.true(parseFrrBfdConfigured(await sample('frr-neighbor-held-for-bfd.json'), '198.51.100.5'));
  t.is(parseFrrBfdConfigured(await sample('frr-neighbor-no-bfd.json'), '198.51.100.99'), undefined, 'no such neighbor');
  t.is(parseFrrBfdConfigured(undefined, '198.51.100.4'), undefined, 'no answer');
});

// Captured from test/fixtures/labs/mismatched-asn.yaml with a-pe1 on BIRD (AS64499 where the edge expects
// AS64500): the edge's FRR sent Bad Peer AS, a-pe1's BIRD received it.
test("a session refused with an OPEN error, in each daemon's words; any other last error is no refusal", async (t) => {
  const frr = await sample('frr-neighbor-bad-peer-as.json');
  t.is(parseFrrOpenError(frr, '198.51.100.1'), 'OPEN Message Error/Bad Peer AS');
  t.is(parseFrrOpenError(frr, '198.51.100.99'), undefined);
  t.is(parseFrrOpenError(undefined, '198.51.100.1'), undefined);
  const maxprefix = await sample('frr-neighbor-maxprefix.json');
  t.is(parseFrrOpenError(maxprefix, Object.keys(JSON.parse(maxprefix) as object)[0]!), undefined, 'reset, not refused');
  const cease = JSON.stringify({
    '198.51.100.1': {
      lastErrorCodeSubcode: '0601',
      lastNotificationReason: 'Cease/Maximum Number of Prefixes Reached',
    },
  });
  t.is(parseFrrOpenError(cease, '198.51.100.1'), undefined, 'a Cease is no OPEN error');
  const bird = await sample('bird-protocols-bad-peer-as.txt');
  t.is(parseBirdOpenError(bird, '198.51.100.0'), 'Received: Bad peer AS');
  t.is(parseBirdOpenError(bird, '198.51.100.9'), undefined);
  const other = bird.replaceAll('Received: Bad peer AS', 'Received: Hold timer expired');
  t.is(parseBirdOpenError(other, '198.51.100.0'), undefined, 'a hold timer is no OPEN error');
  t.is(
    parseBirdOpenError(bird.replaceAll('Received: Bad peer AS', 'Unacceptable hold time'), '198.51.100.0'),
    'Unacceptable hold time',
  );
});
