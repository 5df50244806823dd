import { InternalError } from '../errors.js';
import { parsePrefix } from '../topology/addresses.js';
import { isPrivateAsn } from '../topology/asn.js';
import type { Policy, PrefixSet } from '../daemons/intent.js';

export interface Route {
  prefix: string;
  /** AS path as received, leftmost first. */
  asPath: number[];
  communities: string[];
}

/** Apply a policy to a route the way the rendered FRR route-map or BIRD filter would; undefined when denied. */
export function evaluatePolicy(policy: Policy, sets: PrefixSet[], route: Route): Route | undefined {
  const term = decidingTerm(policy, sets, route);
  if (!term || term.action === 'deny') return undefined;
  const set = term.set ?? {};
  return {
    prefix: route.prefix,
    asPath: set.prepend ? [...Array<number>(set.prepend.count).fill(set.prepend.asn), ...route.asPath] : route.asPath,
    communities: [...new Set([...route.communities, ...(set.addCommunities ?? [])])],
  };
}

/**
 * Why a policy denies a route, in its terms' notes: the deny term that matched it, or, when no term
 * matched, every permit term it missed. Empty when the route is permitted.
 */
export function denialReasons(policy: Policy, sets: PrefixSet[], route: Route): string[] {
  const term = decidingTerm(policy, sets, route);
  if (term) return term.action === 'deny' ? [term.note ?? 'denied by a policy term'] : [];
  const missed = policy.terms.filter((t) => t.action === 'permit').map((t) => t.note ?? 'a permit term');
  return missed.length ? missed : ['no term permits anything'];
}

/** The first term whose matches all hold: it decides (see Policy). */
function decidingTerm(policy: Policy, sets: PrefixSet[], route: Route): Policy['terms'][number] | undefined {
  return policy.terms.find((term) => matches(term.match, sets, route));
}

function matches(match: Policy['terms'][number]['match'], sets: PrefixSet[], route: Route): boolean {
  if (
    match.prefixSet &&
    !inSet(
      sets.find((s) => s.name === match.prefixSet),
      route.prefix,
    )
  )
    return false;
  if (match.community && !route.communities.includes(match.community)) return false;
  if (match.privateAsnInPath && !route.asPath.some(isPrivateAsn)) return false;
  if (match.minPathLength && route.asPath.length < match.minPathLength) return false;
  if (match.originAsns && !match.originAsns.includes(route.asPath.at(-1)!)) return false;
  return true;
}

function inSet(set: PrefixSet | undefined, prefix: string): boolean {
  if (!set) throw new InternalError('policy names an unknown prefix set');
  const route = parsePrefix(prefix);
  return set.entries.some((e) => {
    const entry = parsePrefix(e.prefix);
    const length = route.subnetMask;
    return (
      route.isInSubnet(entry) &&
      length >= (e.minLength ?? entry.subnetMask) &&
      length <= (e.maxLength ?? entry.subnetMask)
    );
  });
}
