import type { Address4 } from 'ip-address';
import { networkOf, overlaps, parsePrefix, ranges } from '../addresses.js';
import type { PeerPrefix } from '../model.js';
import type { TopologyFile } from '../schema.js';
import type { Fail } from './builder.js';

/** The peer's prefixes: valid, without host bits, each listed once, outside the lab's own ranges. */
export function resolvePrefixes(file: TopologyFile, fail: Fail): PeerPrefix[] {
  const labRanges = Object.entries(ranges).map(([label, range]) => [label, parsePrefix(range)] as const);
  const seen: { prefix: Address4; index: number }[] = [];
  return file.peer.prefixes.map((p, index) => {
    const path = ['peer', 'prefixes', index];
    let parsed: Address4;
    try {
      parsed = parsePrefix(p.prefix);
    } catch {
      return fail(`"${p.prefix}" is not a valid IPv4 prefix`, [...path, 'prefix']);
    }
    if (networkOf(parsed) !== p.prefix)
      fail(`"${p.prefix}" has host bits set; did you mean ${networkOf(parsed)}?`, [...path, 'prefix']);
    // A registered more-specific inside an announced aggregate is a normal design; the same prefix twice is not.
    const same = seen.find((s) => networkOf(s.prefix) === p.prefix);
    if (same)
      fail(
        `${p.prefix} is listed twice (also peer.prefixes.${same.index}); a more-specific inside an aggregate is fine, the same prefix twice is not`,
        [...path, 'prefix'],
      );
    const lab = labRanges.find(([, range]) => overlaps(range, parsed));
    if (lab)
      fail(`${p.prefix} overlaps the lab's ${lab[0]} range ${networkOf(lab[1])}; use e.g. 203.0.113.0/24`, [
        ...path,
        'prefix',
      ]);
    seen.push({ prefix: parsed, index });
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
