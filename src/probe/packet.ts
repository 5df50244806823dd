/** A probe datagram: magic, flow, flags, sequence number and the sender's CLOCK_MONOTONIC send time. */
export const probeMagic = 0x504c4142; // "PLAB"
export const headerBytes = 24;

export const flags = {
  /** The receiver sends the packet back to its source, for round-trip times. */
  echoRequest: 1,
  echoReply: 2,
} as const;

export interface ProbePacket {
  flow: number;
  flags: number;
  seq: number;
  sentMs: number;
}

export function encodePacket(p: ProbePacket, size: number): Buffer {
  const buf = Buffer.alloc(Math.max(size, headerBytes));
  buf.writeUInt32BE(probeMagic, 0);
  buf.writeUInt16BE(p.flow, 4);
  buf.writeUInt8(p.flags, 6);
  buf.writeUInt32BE(p.seq, 8);
  buf.writeDoubleBE(p.sentMs, 12);
  return buf;
}

/** The packet, or undefined for anything that is not a probe datagram. */
export function decodePacket(buf: Buffer): ProbePacket | undefined {
  if (buf.length < headerBytes || buf.readUInt32BE(0) !== probeMagic) return undefined;
  return { flow: buf.readUInt16BE(4), flags: buf.readUInt8(6), seq: buf.readUInt32BE(8), sentMs: buf.readDoubleBE(12) };
}
