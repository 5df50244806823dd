import { flags } from './packet.js';
import type { Received, SentFlow } from './records.js';

/** A stretch of consecutive lost packets, in the sender's time. */
export interface Outage {
  startMs: number;
  endMs: number;
  durationMs: number;
  lost: number;
}

export interface Percentiles {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** A named stretch of time (before, during, after a fault) to split latency figures by. */
export interface Phase {
  name: string;
  fromMs: number;
  toMs: number;
}

export interface FlowStats {
  flow: number;
  rate: number;
  sent: number;
  received: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** RFC 7747 loss-derived convergence time: lost packets / rate. */
  lossDerivedMs: number;
  outages: Outage[];
  longestOutageMs: number;
  latency: { phase: string; oneWayMs: Percentiles | undefined; rttMs: Percentiles | undefined }[];
}

/**
 * The figures of one flow: `data` is what its receiver got, `echoes` what came back to its sender.
 * Arrival order in `data` is the receive order, so a sequence number below one already seen is a reordering.
 */
export function analyzeFlow(
  sent: SentFlow,
  data: Received,
  echoes: Received,
  phases: Phase[] = [],
  /** Packets before this sequence number are warm-up (new flows through Open vSwitch wait for their first upcall). */
  firstSeq = 0,
): FlowStats {
  const interval = 1000 / sent.rate;
  const seen = new Uint8Array(sent.sent);
  const sentAt = new Float64Array(sent.sent);
  let received = 0;
  let duplicated = 0;
  let reordered = 0;
  let highest = -1;
  const oneWay: { at: number; ms: number }[] = [];
  for (let i = 0; i < data.count; i++) {
    if (data.flow[i] !== sent.flow || data.flags[i]! & flags.echoReply) continue;
    const seq = data.seq[i]!;
    if (seq >= sent.sent || seq < firstSeq) continue;
    if (seen[seq]) {
      duplicated++;
      continue;
    }
    seen[seq] = 1;
    sentAt[seq] = data.sentMs[i]!;
    received++;
    if (seq < highest) reordered++;
    else highest = seq;
    oneWay.push({ at: data.sentMs[i]!, ms: data.recvMs[i]! - data.sentMs[i]! });
  }
  const rtt: { at: number; ms: number }[] = [];
  for (let i = 0; i < echoes.count; i++) {
    if (echoes.flow[i] === sent.flow && echoes.flags[i]! & flags.echoReply)
      rtt.push({ at: echoes.sentMs[i]!, ms: echoes.recvMs[i]! - echoes.sentMs[i]! });
  }
  const outages = findOutages(seen, sentAt, sent.startMs, interval, firstSeq);
  const counted = Math.max(0, sent.sent - firstSeq);
  const lost = counted - received;
  return {
    flow: sent.flow,
    rate: sent.rate,
    sent: counted,
    received,
    lost,
    duplicated,
    reordered,
    lossDerivedMs: lost * interval,
    outages,
    longestOutageMs: Math.max(0, ...outages.map((o) => o.durationMs)),
    latency: [{ name: 'all', fromMs: -Infinity, toMs: Infinity }, ...phases].map((p) => ({
      phase: p.name,
      oneWayMs: percentiles(oneWay.filter((s) => s.at >= p.fromMs && s.at < p.toMs).map((s) => s.ms)),
      rttMs: percentiles(rtt.filter((s) => s.at >= p.fromMs && s.at < p.toMs).map((s) => s.ms)),
    })),
  };
}

/**
 * Runs of missing sequence numbers. A run starts one interval after the last packet that arrived
 * before it was sent, and ends when the first packet after it was sent (send times, not the schedule:
 * a sender that fell behind does not shift the window).
 */
function findOutages(
  seen: Uint8Array,
  sentAt: Float64Array,
  startMs: number,
  interval: number,
  firstSeq: number,
): Outage[] {
  const outages: Outage[] = [];
  let first = -1;
  const close = (end: number) => {
    const startAt = first === firstSeq ? startMs + first * interval : sentAt[first - 1]! + interval;
    const endAt = end < seen.length ? sentAt[end]! : startMs + end * interval;
    outages.push({ startMs: startAt, endMs: endAt, durationMs: Math.max(0, endAt - startAt), lost: end - first });
  };
  for (let seq = firstSeq; seq < seen.length; seq++) {
    if (!seen[seq]) {
      if (first < 0) first = seq;
    } else if (first >= 0) {
      close(seq);
      first = -1;
    }
  }
  if (first >= 0) close(seen.length);
  return outages;
}

export function percentiles(values: number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { samples: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]! };
}
