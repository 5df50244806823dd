import { readFile, writeFile } from 'node:fs/promises';

/** What one agent sent on one flow. Packet `seq` was due at `startMs + seq * 1000 / rate`. */
export interface SentFlow {
  flow: number;
  sent: number;
  startMs: number;
  rate: number;
}

/** Every datagram an agent received, column by column (typed arrays: 10,000 pps for minutes stays small). */
export interface Received {
  count: number;
  flow: Uint16Array;
  flags: Uint8Array;
  seq: Uint32Array;
  sentMs: Float64Array;
  recvMs: Float64Array;
}

export interface AgentResult {
  node: string;
  sent: SentFlow[];
  received: Received;
}

/** Growable columns for the agent's receive path. */
export class ReceiveLog {
  private cap = 1 << 16;
  count = 0;
  flow = new Uint16Array(this.cap);
  flags = new Uint8Array(this.cap);
  seq = new Uint32Array(this.cap);
  sentMs = new Float64Array(this.cap);
  recvMs = new Float64Array(this.cap);

  add(flow: number, flags: number, seq: number, sentMs: number, recvMs: number): void {
    if (this.count === this.cap) this.grow();
    const i = this.count++;
    this.flow[i] = flow;
    this.flags[i] = flags;
    this.seq[i] = seq;
    this.sentMs[i] = sentMs;
    this.recvMs[i] = recvMs;
  }

  freeze(): Received {
    const n = this.count;
    return {
      count: n,
      flow: this.flow.slice(0, n),
      flags: this.flags.slice(0, n),
      seq: this.seq.slice(0, n),
      sentMs: this.sentMs.slice(0, n),
      recvMs: this.recvMs.slice(0, n),
    };
  }

  private grow(): void {
    this.cap *= 2;
    const grow = <T extends Uint16Array | Uint8Array | Uint32Array | Float64Array>(
      a: T,
      make: new (n: number) => T,
    ) => {
      const b = new make(this.cap);
      b.set(a);
      return b;
    };
    this.flow = grow(this.flow, Uint16Array);
    this.flags = grow(this.flags, Uint8Array);
    this.seq = grow(this.seq, Uint32Array);
    this.sentMs = grow(this.sentMs, Float64Array);
    this.recvMs = grow(this.recvMs, Float64Array);
  }
}

/** File layout: u32 header length, JSON header (node, sent, count), then the five columns. */
export async function writeAgentResult(path: string, result: AgentResult): Promise<void> {
  const { received: r } = result;
  const header = Buffer.from(JSON.stringify({ node: result.node, sent: result.sent, count: r.count }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const columns = [r.sentMs, r.recvMs, r.seq, r.flow, r.flags].map((c) =>
    Buffer.from(c.buffer, c.byteOffset, c.byteLength),
  );
  await writeFile(path, Buffer.concat([length, header, ...columns]));
}

export async function readAgentResult(path: string): Promise<AgentResult> {
  const file = await readFile(path);
  const headerLength = file.readUInt32LE(0);
  const header = JSON.parse(file.subarray(4, 4 + headerLength).toString()) as Omit<AgentResult, 'received'> & {
    count: number;
  };
  const n = header.count;
  let offset = 4 + headerLength;
  const take = <T>(make: (buf: ArrayBuffer) => T, bytes: number): T => {
    const copy = new Uint8Array(file.subarray(offset, offset + n * bytes)).buffer;
    offset += n * bytes;
    return make(copy);
  };
  const sentMs = take((b) => new Float64Array(b), 8);
  const recvMs = take((b) => new Float64Array(b), 8);
  const seq = take((b) => new Uint32Array(b), 4);
  const flow = take((b) => new Uint16Array(b), 2);
  const flags = take((b) => new Uint8Array(b), 1);
  return { node: header.node, sent: header.sent, received: { count: n, flow, flags, seq, sentMs, recvMs } };
}
