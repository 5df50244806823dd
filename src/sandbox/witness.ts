import { Address4 } from 'ip-address';
import { addressAt, networkOf, overlaps, parsePrefix, ranges } from '../topology/addresses.js';
import type { WitnessRoute } from '../requirements/router-evidence.js';
import type { LabModel } from '../topology/model.js';

/** Documentation ASNs (RFC 5398) for customers behind the partner; 65001 is a private one. */
const customers = [64496, 64497, 64498, 64499];
const privateAsn = 65001;

/**
 * Witness routes for a partner router: every prefix of the peer's (registered or not, with its declared
 * path), a more-specific of a registered one, and customers' routes at the boundaries the rules care
 * about: a /24 and /25s with paths of 1 to 3 ASNs behind the peer (4 with its own: R-ASPATH-SMALL-PREFIX),
 * a path holding a private ASN (R-NO-PRIVATE-ASN-IN-PATH), a default route. Customers' prefixes come from
 * the benchmarking range above the service prefixes the lab announces.
 */
export function witnessRoutes(model: LabModel): WitnessRoute[] {
  const own: WitnessRoute[] = model.peer.prefixes.map((p) => ({
    prefix: p.prefix,
    asPath: p.asPath,
    kind: p.registered ? 'registered' : 'unregistered',
    why: p.registered ? 'registered: must reach AS8075 tagged 8075:8007' : 'the peer announces it, not registered',
  }));
  const registered = model.peer.prefixes.find((p) => p.registered);
  const specific = registered && moreSpecific(registered.prefix);
  const [c24, c25, pvt] = freeBlocks(model, 3);
  const [c25a, c25b] = [addressAt(parsePrefix(c25!), 0n, 25), addressAt(parsePrefix(c25!), 128n, 25)];
  return [
    ...own,
    ...(specific
      ? [
          {
            prefix: specific,
            asPath: registered.asPath,
            kind: 'more-specific' as const,
            why: `inside ${registered.prefix}`,
          },
        ]
      : []),
    { prefix: c24!, asPath: customers.slice(0, 3), kind: 'customer', why: 'a /24 with 3 ASNs behind the peer' },
    { prefix: c25a, asPath: customers.slice(0, 2), kind: 'customer', why: 'a /25 with 2 ASNs behind the peer' },
    {
      prefix: c25b,
      asPath: customers.slice(0, 3),
      kind: 'long-path-small-prefix',
      why: 'a /25 with 3 ASNs behind the peer: 4 with its own',
    },
    { prefix: pvt!, asPath: [customers[3]!, privateAsn], kind: 'private-asn', why: `AS${privateAsn} in the path` },
    { prefix: '0.0.0.0/0', asPath: [customers[0]!], kind: 'default', why: 'a default route' },
  ];
}

function moreSpecific(prefix: string): string | undefined {
  const p = parsePrefix(prefix);
  return p.subnetMask < 32 ? addressAt(p, 0n, p.subnetMask + 1) : undefined;
}

/** `count` /24s from the top of the service range down, overlapping no prefix the lab uses. */
function freeBlocks(model: LabModel, count: number): string[] {
  const used = [...model.microsoft.servicePrefixes, ...model.peer.prefixes.map((p) => p.prefix)].map(parsePrefix);
  const top = parsePrefix(ranges.internalOverflow).startAddress().bigInt() - 256n * 8n;
  const found: string[] = [];
  for (let at = top; found.length < count; at -= 256n) {
    const block = new Address4(`${Address4.fromBigInt(at).address}/24`);
    if (!used.some((u) => overlaps(u, block))) found.push(networkOf(block));
  }
  return found;
}
