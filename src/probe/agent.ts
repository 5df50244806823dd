/**
 * The probe agent: runs inside one endpoint host's network namespace (nsenter --net), sends its
 * flows' sequence-numbered datagrams on schedule, records every datagram it receives, answers echo
 * requests. Driven over stdin/stdout by the controller (probe.ts): it prints `ready`, waits for
 * `start`, and on `stop` finishes sending, drains, writes its result file and prints `done`.
 * If stdin closes (the controller died) it exits at once.
 */
import dgram from 'node:dgram';
import { createInterface } from 'node:readline';
import { monotonicMs } from '../util/clock.js';
import { decodePacket, encodePacket, flags } from './packet.js';
import { ReceiveLog, writeAgentResult, type SentFlow } from './records.js';

export interface AgentFlow {
  id: number;
  srcAddr: string;
  srcPort: number;
  dstAddr: string;
  dstPort: number;
  /** Packets per second. */
  rate: number;
}

export interface AgentConfig {
  node: string;
  payloadBytes: number;
  listenPorts: number[];
  flows: AgentFlow[];
  /** Ask for an echo on one packet in this many milliseconds of each flow. */
  echoIntervalMs: number;
  drainMs: number;
  out: string;
}

const socketBuffer = 4 * 1024 * 1024;

async function bind(address: string | undefined, port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: socketBuffer, sendBufferSize: socketBuffer });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, ...(address ? { address } : {}) }, () => (socket.off('error', reject), resolve()));
  });
  return socket;
}

async function main(config: AgentConfig): Promise<void> {
  const log = new ReceiveLog();
  const onMessage = (socket: dgram.Socket) => (msg: Buffer, from: dgram.RemoteInfo) => {
    const recvMs = monotonicMs();
    const p = decodePacket(msg);
    if (!p) return;
    log.add(p.flow, p.flags, p.seq, p.sentMs, recvMs);
    if (p.flags & flags.echoRequest) {
      socket.send(encodePacket({ ...p, flags: flags.echoReply }, msg.length), from.port, from.address);
    }
  };
  for (const port of config.listenPorts) {
    const socket = await bind(undefined, port);
    socket.on('message', onMessage(socket));
  }
  const senders = await Promise.all(
    config.flows.map(async (flow) => {
      const socket = await bind(flow.srcAddr, flow.srcPort);
      socket.on('message', onMessage(socket));
      const echoEvery = Math.max(1, Math.round((flow.rate * config.echoIntervalMs) / 1000));
      return { flow, socket, echoEvery, sent: 0 };
    }),
  );

  let startMs = 0;
  let sending = false;
  const tick = () => {
    if (!sending) return;
    const now = monotonicMs();
    let nextDue = Infinity;
    for (const s of senders) {
      const due = Math.floor(((now - startMs) * s.flow.rate) / 1000) + 1;
      for (; s.sent < due; s.sent++) {
        const packet = { flow: s.flow.id, flags: s.sent % s.echoEvery === 0 ? flags.echoRequest : 0, seq: s.sent };
        s.socket.send(
          encodePacket({ ...packet, sentMs: monotonicMs() }, config.payloadBytes),
          s.flow.dstPort,
          s.flow.dstAddr,
        );
      }
      nextDue = Math.min(nextDue, startMs + (s.sent * 1000) / s.flow.rate);
    }
    // Wake when the next packet is due, not every millisecond: at 25 pps an agent wakes 25 times a second,
    // not 1,000 (a lab's probe agents were a fifth of a busy host's CPU).
    if (Number.isFinite(nextDue)) setTimeout(tick, Math.max(1, Math.floor(nextDue - monotonicMs())));
  };

  const input = createInterface({ input: process.stdin });
  input.on('close', () => process.exit(0));
  input.on('line', (line) => {
    if (line === 'start' && !sending) {
      sending = true;
      startMs = monotonicMs();
      tick();
    } else if (line === 'stop') {
      sending = false;
      setTimeout(async () => {
        const sent: SentFlow[] = senders.map((s) => ({ flow: s.flow.id, sent: s.sent, startMs, rate: s.flow.rate }));
        await writeAgentResult(config.out, { node: config.node, sent, received: log.freeze() });
        process.stdout.write('done\n', () => process.exit(0));
      }, config.drainMs);
    }
  });
  process.stdout.write('ready\n');
}

main(JSON.parse(process.argv[2] ?? '{}') as AgentConfig).catch((error: unknown) => {
  process.stderr.write(`probe agent: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
