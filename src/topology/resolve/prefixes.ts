import type { Address4 } from 'ip-address';
import { networkOf, overlaps, parsePrefix, ranges } from '../addresses.js';
import type { LabModel, PeerPrefix } from '../model.js';

type PeerCustomer = LabModel['peer']['customers'][number];
import type { TopologyFile } from '../schema.js';
import type { Fail } from './builder.js';

/** The customers' prefixes: valid, without host bits, outside the lab's own ranges (they may sit in the peer's). */
export function resolveCustomers(file: TopologyFile, fail: Fail): PeerCustomer[] {
  return file.peer.customers.map((c, i) => ({
    asn: c.asn,
    prefixes: c.prefixes.map((prefix, j) => checkPrefix(prefix, ['peer', 'customers', i, 'prefixes', j], fail)),
  }));
}

const labRanges = () => Object.entries(ranges).map(([label, range]) => [label, parsePrefix(range)] as const);

function checkPrefix(prefix: string, path: (string | number)[], fail: Fail): string {
  let parsed: Address4;
  try {
    parsed = parsePrefix(prefix);
  } catch {
    return fail(`"${prefix}" is not a valid IPv4 prefix`, path);
  }
  if (networkOf(parsed) !== prefix) fail(`"${prefix}" has host bits set; did you mean ${networkOf(parsed)}?`, path);
  const lab = labRanges().find(([, range]) => overlaps(range, parsed));
  if (lab) fail(`${prefix} overlaps the lab's ${lab[0]} range ${networkOf(lab[1])}; use e.g. 203.0.113.0/24`, path);
  return prefix;
}

/** The peer's prefixes: valid, without host bits, each listed once, outside the lab's own ranges. */
export function resolvePrefixes(file: TopologyFile, fail: Fail): PeerPrefix[] {
  const seen: { prefix: string; index: number }[] = [];
  return file.peer.prefixes.map((p, index) => {
    const path = ['peer', 'prefixes', index];
    checkPrefix(p.prefix, [...path, 'prefix'], fail);
    // A registered more-specific inside an announced aggregate is a normal design; the same prefix twice is not.
    const same = seen.find((s) => s.prefix === p.prefix);
    if (same)
      fail(
        `${p.prefix} is listed twice (also peer.prefixes.${same.index}); a more-specific inside an aggregate is fine, the same prefix twice is not`,
        [...path, 'prefix'],
      );
    seen.push({ prefix: p.prefix, index });
    const defaultCommunities = p.registered && file.type !== 'ers' ? ['8075:8007'] : [];
    return {
      prefix: p.prefix,
      ...(p.class ? { trafficClass: p.class } : {}),
      registered: p.registered,
      communities: p.communities ?? defaultCommunities,
      asPath: p['as-path'],
      originAsn: p['as-path'].at(-1) ?? file.peer.asn,
    };
  });
}
