import { Address4 } from 'ip-address';
import { InputError } from '../errors.js';

/** Lab address plan: documentation and benchmarking ranges only (see the spec). */
export const ranges = {
  /** Interconnect /31s when Microsoft provides session addresses (T-DIRECT, T-VOICE). */
  microsoftProvided: '198.51.100.0/24',
  /** Interconnect /31s when the peer provides them (T-ERS). */
  peerProvided: '192.0.2.128/26',
  /** Lab-internal point-to-point links (cores, transit). */
  internal: '192.0.2.0/25',
  /** Router IDs (never configured on an interface). */
  routerIds: '192.0.2.192/26',
  /** Microsoft service prefixes, one /24 each. */
  services: '198.18.0.0/15',
} as const;

export function parsePrefix(text: string): Address4 {
  if (!Address4.isValid(text)) throw new Error(`not an IPv4 prefix: ${text}`);
  return new Address4(text);
}

export function networkOf(prefix: Address4): string {
  return `${prefix.startAddress().address}/${prefix.subnetMask}`;
}

export function addressAt(prefix: Address4, offset: bigint, length = prefix.subnetMask): string {
  return `${Address4.fromBigInt(prefix.startAddress().bigInt() + offset).address}/${length}`;
}

/** The address of an interface address with its prefix length: `192.0.2.1/31` → `192.0.2.1`. */
export function hostPart(address: string): string {
  return address.split('/')[0]!;
}

export function overlaps(a: Address4, b: Address4): boolean {
  return a.isInSubnet(b) || b.isInSubnet(a);
}

/** Hands out consecutive subnets of one size from a range, deterministically. */
export class SubnetPool {
  private next = 0n;
  private readonly range: Address4;
  constructor(
    private readonly label: string,
    range: string,
    private readonly length: number,
  ) {
    this.range = parsePrefix(range);
  }

  take(): Address4 {
    const size = 1n << BigInt(32 - this.length);
    const start = this.range.startAddress().bigInt() + this.next * size;
    if (start + size - 1n > this.range.endAddress().bigInt()) {
      throw new InputError(
        `the lab's ${this.label} range ${networkOf(this.range)} is exhausted (${this.next} /${this.length}s)`,
      );
    }
    this.next += 1n;
    return new Address4(`${Address4.fromBigInt(start).address}/${this.length}`);
  }
}
