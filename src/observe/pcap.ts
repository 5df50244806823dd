/**
 * Cut a libpcap file (what tcpdump -w writes) down to the packets captured between two wall-clock
 * instants, so the evidence kept is a few seconds around a fault rather than a whole run. Both byte
 * orders and both timestamp resolutions (microseconds, nanoseconds) are read; the header is kept as is.
 */
export function pcapWindow(file: Buffer, fromMs: number, toMs: number): { pcap: Buffer; kept: number; total: number } {
  const format = headerFormat(file);
  if (!format) return { pcap: file, kept: 0, total: 0 };
  const { read, fraction } = format;
  const kept: Buffer[] = [file.subarray(0, globalHeaderBytes)];
  let total = 0;
  let keptCount = 0;
  for (let at = globalHeaderBytes; at + recordHeaderBytes <= file.length;) {
    const seconds = read(file, at);
    const part = read(file, at + 4);
    const length = read(file, at + 8);
    const end = at + recordHeaderBytes + length;
    if (end > file.length) break; // a record cut short when tcpdump was stopped: left out
    const ms = seconds * 1000 + part / fraction;
    total++;
    if (ms >= fromMs && ms <= toMs) {
      kept.push(file.subarray(at, end));
      keptCount++;
    }
    at = end;
  }
  return { pcap: Buffer.concat(kept), kept: keptCount, total };
}

const globalHeaderBytes = 24;
const recordHeaderBytes = 16;

function headerFormat(file: Buffer): { read: (b: Buffer, at: number) => number; fraction: number } | undefined {
  if (file.length < globalHeaderBytes) return undefined;
  const le = (b: Buffer, at: number) => b.readUInt32LE(at);
  const be = (b: Buffer, at: number) => b.readUInt32BE(at);
  switch (file.readUInt32LE(0)) {
    case 0xa1b2c3d4:
      return { read: le, fraction: 1000 };
    case 0xa1b23c4d:
      return { read: le, fraction: 1_000_000 };
    case 0xd4c3b2a1:
      return { read: be, fraction: 1000 };
    case 0x4d3cb2a1:
      return { read: be, fraction: 1_000_000 };
    default:
      return undefined;
  }
}
