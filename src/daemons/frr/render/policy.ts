import { InternalError } from '../../../errors.js';
import type { Actions, Match, Policy, PrefixSet } from '../../intent.js';

/** Prefix lists, community lists, as-path lists and route-maps for the intent's policies. */
export function renderFrrPolicies(sets: PrefixSet[], policies: Policy[]): string[] {
  const lines: string[] = [];
  for (const set of sets) {
    set.entries.forEach((e, i) => {
      const ge = e.minLength !== undefined ? ` ge ${e.minLength}` : '';
      const le = e.maxLength !== undefined ? ` le ${e.maxLength}` : '';
      lines.push(`ip prefix-list ${set.name} seq ${(i + 1) * 5} permit ${e.prefix}${ge}${le}`);
    });
  }
  const lists = new Map<string, string[]>();
  const asPathList = (name: string, regexes: string[]) => {
    lists.set(
      name,
      regexes.map((r, i) => `bgp as-path access-list ${name} seq ${(i + 1) * 5} permit ${r}`),
    );
    return name;
  };
  const communityList = (community: string) => {
    const name = `CL-${community.replace(':', '-')}`;
    lists.set(name, [`bgp community-list standard ${name} seq 5 permit ${community}`]);
    return name;
  };
  const maps: string[] = [];
  for (const policy of policies) {
    policy.terms.forEach((term, i) => {
      maps.push(`route-map ${policy.name} ${term.action} ${(i + 1) * 10}`);
      if (term.note) maps.push(` description ${term.note}`);
      maps.push(...matchLines(term.match, asPathList, communityList), ...setLines(term.set ?? {}), 'exit');
    });
  }
  return [...lines, ...[...lists.values()].flat(), ...maps];
}

type ListMaker = (name: string, regexes: string[]) => string;

function matchLines(match: Match, asPathList: ListMaker, communityList: (c: string) => string): string[] {
  const asPath: string[] = [];
  if (match.privateAsnInPath) asPath.push(asPathList('PRIVATE-ASN', [privateAsnRegex]));
  if (match.minPathLength) {
    asPath.push(asPathList(`PATH-LEN-GE-${match.minPathLength}`, [`^[0-9]+( [0-9]+){${match.minPathLength - 1}}`]));
  }
  if (match.originAsns) {
    if (match.originAsns.length === 0) throw new InternalError('an origin ASN match needs at least one ASN');
    asPath.push(
      asPathList(
        `ORIGIN-AS-${match.originAsns.join('-')}`,
        match.originAsns.map((asn) => `_${asn}$`),
      ),
    );
  }
  if (asPath.length > 1)
    throw new InternalError(`an FRR route-map entry takes one as-path match, got ${asPath.join(', ')}`);
  return [
    ...(match.prefixSet ? [` match ip address prefix-list ${match.prefixSet}`] : []),
    ...(match.community ? [` match community ${communityList(match.community)}`] : []),
    ...asPath.map((name) => ` match as-path ${name}`),
  ];
}

function setLines(set: Actions): string[] {
  return [
    ...(set.addCommunities?.length ? [` set community ${set.addCommunities.join(' ')} additive`] : []),
    ...(set.localPref !== undefined ? [` set local-preference ${set.localPref}`] : []),
    ...(set.med !== undefined ? [` set metric ${set.med}`] : []),
    ...(set.weight !== undefined ? [` set weight ${set.weight}`] : []),
    ...(set.prepend ? [` set as-path prepend ${Array(set.prepend.count).fill(set.prepend.asn).join(' ')}`] : []),
  ];
}

/** 16-bit 64512-65534 and 32-bit 4200000000-4294967294 (RFC 6996), as one path element. */
export const privateAsnRegex =
  '_(6451[2-9]|645[2-9][0-9]|64[6-9][0-9][0-9]|65[0-4][0-9][0-9]|655[0-2][0-9]|6553[0-4]|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[01][0-9]{2}|42949672[0-8][0-9]|429496729[0-4])_';
