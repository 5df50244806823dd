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
  /** Microsoft service prefixes, one /24 each, at most `serviceCapacity` of them from its start. */
  services: '198.18.0.0/15',
  /**
   * Where internal links and router IDs continue when a large lab (scale benchmarks) has used their
   * documentation ranges up: the top of the benchmarking range, above the last service prefix.
   */
  internalOverflow: '198.19.248.0/21',
  routerIdsOverflow: '198.19.244.0/22',
} as const;

/** Service prefixes the edge can announce (certify grows to it at most): below the overflow ranges. */
export const serviceCapacity = 500;

export function parsePrefix(text: string): Address4 {
  if (!Address4.isValid(text)) throw new InputError(`not an IPv4 prefix: ${text}`);
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

/** Hands out consecutive subnets of one size from a range (then from its overflow range), deterministically. */
export class SubnetPool {
  private next = 0n;
  private readonly ranges: Address4[];
  constructor(
    private readonly label: string,
    range: string,
    private readonly length: number,
    overflow?: string,
  ) {
    this.ranges = [range, ...(overflow ? [overflow] : [])].map(parsePrefix);
  }

  take(): Address4 {
    const size = 1n << BigInt(32 - this.length);
    let offset = this.next;
    for (const range of this.ranges) {
      const fits = (range.endAddress().bigInt() - range.startAddress().bigInt() + 1n) / size;
      if (offset < fits) {
        this.next += 1n;
        return new Address4(
          `${Address4.fromBigInt(range.startAddress().bigInt() + offset * size).address}/${this.length}`,
        );
      }
      offset -= fits;
    }
    throw new InputError(
      `the lab's ${this.label} range ${this.ranges.map(networkOf).join(' and ')} is exhausted (${this.next} /${this.length}s)`,
    );
  }
}
