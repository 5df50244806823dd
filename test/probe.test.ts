import test from 'ava';
import { analyzeFlow, percentiles } from '../src/probe/analyze.js';
import { decodePacket, encodePacket, flags } from '../src/probe/packet.js';
import { ReceiveLog, readAgentResult, writeAgentResult, type SentFlow } from '../src/probe/records.js';
import { planFlows } from '../src/probe/flows.js';
import { loadTopology } from '../src/topology/load.js';
import { join } from 'node:path';
import { tempDir } from './helpers/temp.js';

const rate = 1000;
const sent: SentFlow = { flow: 7, sent: 1000, startMs: 10_000, rate };

/** A receiver log for `sent`: packet n sent on schedule, arriving 0.5 ms later, minus `lost`. */
function arrivals(lost: (seq: number) => boolean, order?: (seqs: number[]) => number[]) {
  const log = new ReceiveLog();
  let seqs = [...Array(sent.sent).keys()].filter((s) => !lost(s));
  if (order) seqs = order(seqs);
  for (const seq of seqs) log.add(sent.flow, 0, seq, sent.startMs + seq, sent.startMs + seq + 0.5);
  return log.freeze();
}
const none = new ReceiveLog().freeze();

test('a clean flow has no loss, no outage, and its one-way latency', (t) => {
  const s = analyzeFlow(
    sent,
    arrivals(() => false),
    none,
  );
  t.like(s, { sent: 1000, received: 1000, lost: 0, duplicated: 0, reordered: 0, lossDerivedMs: 0, longestOutageMs: 0 });
  t.deepEqual(s.outages, []);
  t.is(s.latency[0]!.oneWayMs!.p50, 0.5);
});

test('RFC 7747: loss-derived convergence is lost packets over the rate, and each gap is an outage window', (t) => {
  // 120 packets lost from seq 200, then 30 from seq 600.
  const s = analyzeFlow(
    sent,
    arrivals((q) => (q >= 200 && q < 320) || (q >= 600 && q < 630)),
    none,
  );
  t.is(s.lost, 150);
  t.is(s.lossDerivedMs, 150);
  t.deepEqual(
    s.outages.map((o) => [o.startMs - sent.startMs, o.endMs - sent.startMs, o.lost]),
    [
      [200, 320, 120],
      [600, 630, 30],
    ],
  );
  t.is(s.longestOutageMs, 120);
});

test('loss at the very start or end of a flow is an outage bounded by the schedule', (t) => {
  const s = analyzeFlow(
    sent,
    arrivals((q) => q < 10 || q >= 990),
    none,
  );
  t.deepEqual(
    s.outages.map((o) => [o.startMs - sent.startMs, o.endMs - sent.startMs]),
    [
      [0, 10],
      [990, 1000],
    ],
  );
});

test('duplicates and reordering are counted, not mistaken for loss', (t) => {
  const swapped = (seqs: number[]) => {
    [seqs[5], seqs[6]] = [seqs[6]!, seqs[5]!];
    return [...seqs, 42];
  };
  const s = analyzeFlow(
    sent,
    arrivals(() => false, swapped),
    none,
  );
  t.like(s, { lost: 0, duplicated: 1, reordered: 1 });
});

test('round-trip times come from echo replies and split by phase', (t) => {
  const echoes = new ReceiveLog();
  for (let seq = 0; seq < 1000; seq += 10) {
    const at = sent.startMs + seq;
    echoes.add(sent.flow, flags.echoReply, seq, at, at + (seq >= 500 ? 5 : 1));
  }
  const s = analyzeFlow(
    sent,
    arrivals(() => false),
    echoes.freeze(),
    [
      { name: 'before', fromMs: sent.startMs, toMs: sent.startMs + 500 },
      { name: 'after', fromMs: sent.startMs + 500, toMs: sent.startMs + 1000 },
    ],
  );
  t.deepEqual(
    s.latency.map((l) => [l.phase, l.rttMs?.samples, l.rttMs?.max]),
    [
      ['all', 100, 5],
      ['before', 50, 1],
      ['after', 50, 5],
    ],
  );
});

test('percentiles are nearest-rank', (t) => {
  t.like(percentiles([...Array(100).keys()].map((i) => i + 1)), { p50: 50, p90: 90, p99: 99, max: 100 });
  t.is(percentiles([]), undefined);
});

test('packets round-trip through the wire format and foreign datagrams are ignored', (t) => {
  const p = { flow: 3, flags: flags.echoRequest, seq: 123456, sentMs: 987654.321 };
  t.deepEqual(decodePacket(encodePacket(p, 64)), p);
  t.is(decodePacket(Buffer.from('hello, not a probe packet')), undefined);
});

test('agent result files keep every column', async (t) => {
  const dir = await tempDir(t, 'probe');
  const received = arrivals((q) => q % 3 === 0);
  await writeAgentResult(join(dir, 'h1.bin'), { node: 'h1', sent: [sent], received });
  const back = await readAgentResult(join(dir, 'h1.bin'));
  t.is(back.received.count, received.count);
  t.deepEqual(back.received.seq, received.seq);
  t.deepEqual(back.received.recvMs, received.recvMs);
  t.deepEqual(back.sent, [sent]);
});

test('flows run both ways between every peer host and service host, each from its own source port', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const flows = planFlows(model, { perPair: 2 });
  const peers = model.nodes.filter((n) => n.role === 'host' && n.side === 'peer').length;
  const services = model.nodes.filter((n) => n.role === 'host' && n.side === 'microsoft').length;
  t.is(flows.length, peers * services * 2 * 2);
  t.is(new Set(flows.map((f) => f.srcPort)).size, flows.length);
  t.true(flows.every((f) => f.rate === 1000));
  t.throws(() => planFlows(model, { hosts: ['nope'] }), { message: /unknown probe host "nope"; hosts: / });
});

test('warm-up packets are left out: neither sent nor lost', (t) => {
  const s = analyzeFlow(
    sent,
    arrivals((q) => q < 50 || q === 500),
    none,
    [],
    100,
  );
  t.like(s, { sent: 900, lost: 1, received: 899 });
  t.deepEqual(
    s.outages.map((o) => o.lost),
    [1],
  );
});
