import { Address4 } from 'ip-address';
import { addressAt, networkOf, overlaps, parsePrefix, ranges } from '../topology/addresses.js';
import type { WitnessRoute } from '../requirements/router-evidence.js';
import type { LabModel } from '../topology/model.js';

/** Documentation ASNs (RFC 5398) for customers behind the partner; 65001 is a private one. */
const customers = [64496, 64497, 64498, 64499];
const privateAsn = 65001;

/** How many routes the core gives the router at once (a full-table leak shows as that many at the edge). */
const bulkRoutes = 200;

/**
 * Witness routes for a partner router: every prefix of the peer's (registered or not, with its declared
 * path), a more-specific of a registered one, and routes at the boundaries the rules care about: customers'
 * /24 and /25s with paths of 1 to 3 ASNs behind the peer (4 with its own: R-ASPATH-SMALL-PREFIX), a path
 * holding a private ASN (R-NO-PRIVATE-ASN-IN-PATH), a default route, a bogon, internet routes the core
 * learned from the transit, a batch of a few hundred at once, and for T-ERS members' routes of registered
 * and unregistered origin ASNs (R-ORIGIN-ASN-REGISTERED). Everything that is not the peer's own probes a
 * leak toward AS8075 (RFC 7908). Witness prefixes come from the benchmarking range above the service
 * prefixes the lab announces; the bogon is TEST-NET-1 (RFC 5737), on every bogon list.
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
  const ers = model.type === 'ers' ? memberOrigins(model) : [];
  const free = freeBlocks(model, 5 + ers.length + bulkRoutes);
  const [c24, c25, pvt, net1, net2] = free;
  const members = free.slice(5, 5 + ers.length);
  const bulk = free.slice(5 + ers.length);
  const [c25a, c25b] = [addressAt(parsePrefix(c25!), 0n, 25), addressAt(parsePrefix(c25!), 128n, 25)];
  const transit = model.transit?.asn ?? defaultTransitAsn;
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
    ...model.peer.customers.flatMap((c) =>
      c.prefixes.map((prefix) => ({
        prefix,
        asPath: [c.asn],
        kind: 'declared-customer' as const,
        why: `customer AS${c.asn}'s, as the topology declares it`,
      })),
    ),
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
    { prefix: bogon, asPath: [customers[1]!], kind: 'bogon', why: 'a bogon (TEST-NET-1, RFC 5737)' },
    ...[net1!, net2!].map((prefix) => ({
      prefix,
      asPath: [transit, customers[2]!],
      kind: 'internet' as const,
      why: `an internet route the core learned from its transit AS${transit}`,
    })),
    ...ers.map((m, i) => ({
      prefix: members[i]!,
      asPath: [m.asn],
      kind: m.registered ? ('member-registered' as const) : ('member-unregistered' as const),
      why: `a member's route, origin AS${m.asn}${m.registered ? ' (registered)' : ', not registered'}`,
    })),
    ...bulk.map((prefix) => ({
      prefix,
      asPath: [customers[0]!],
      kind: 'bulk' as const,
      why: `one of ${bulk.length} routes the core gives at once`,
    })),
  ];
}

const bogon = '192.0.2.0/24';
const defaultTransitAsn = 64510;

/** T-ERS: members behind the exchange, two of registered origin ASNs and one of an unregistered one. */
function memberOrigins(model: LabModel): { asn: number; registered: boolean }[] {
  const registered = model.peer.registeredOriginAsns.slice(0, 2).map((asn) => ({ asn, registered: true }));
  const unregistered = [64505, 64506, 64507].find(
    (a) => !model.peer.registeredOriginAsns.includes(a) && a !== model.peer.asn,
  );
  return [...registered, ...(unregistered ? [{ asn: unregistered, registered: false }] : [])];
}

function moreSpecific(prefix: string): string | undefined {
  const p = parsePrefix(prefix);
  return p.subnetMask < 32 ? addressAt(p, 0n, p.subnetMask + 1) : undefined;
}

/**
 * Up to `count` /24s from the top of the service range down, overlapping no prefix the lab uses; never
 * below the range (a lab announcing many service prefixes leaves fewer for the batch).
 */
function freeBlocks(model: LabModel, count: number): string[] {
  const used = [
    ...model.microsoft.servicePrefixes,
    ...model.peer.prefixes.map((p) => p.prefix),
    ...model.peer.customers.flatMap((c) => c.prefixes),
  ].map(parsePrefix);
  const top = parsePrefix(ranges.internalOverflow).startAddress().bigInt() - 256n * 8n;
  const floor = parsePrefix(ranges.services).startAddress().bigInt();
  const found: string[] = [];
  for (let at = top; found.length < count && at >= floor; at -= 256n) {
    const block = new Address4(`${Address4.fromBigInt(at).address}/24`);
    if (!used.some((u) => overlaps(u, block))) found.push(networkOf(block));
  }
  return found;
}
