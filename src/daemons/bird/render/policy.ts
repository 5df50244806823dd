import type { Actions, Match, Policy, PrefixSet, RouterIntent } from '../../intent.js';

/** BIRD identifiers get a kind prefix so no user or policy name can collide with a keyword. */
export function birdName(kind: 'ps' | 'pl' | 'bgp', name: string): string {
  return `${kind}_${name.replace(/-/g, '_').toLowerCase()}`;
}

const originated = 'originated';

/** Prefix sets as constants, and one filter per policy. */
export function renderBirdPolicies(intent: RouterIntent): string[] {
  const sets = intent.prefixSets.map(
    (s) => `define ${birdName('ps', s.name)} = [ ${s.entries.map(entry).join(', ')} ];`,
  );
  const own = intent.originate.map((o) => o.prefix);
  return [
    'define private_asns = [ 64512..65534, 4200000000..4294967294 ];',
    ...sets,
    ...(own.length ? [`define ${originated} = [ ${own.join(', ')} ];`] : []),
    '',
    ...originPathFunction(intent),
    ...intent.policies.flatMap((p) =>
      renderFilter(
        p,
        own.length > 0,
        intent.originate.some((o) => o.asPath.length),
      ),
    ),
  ];
}

function entry(e: PrefixSet['entries'][number]): string {
  if (e.minLength === undefined && e.maxLength === undefined) return e.prefix;
  const length = Number(e.prefix.split('/')[1]);
  return `${e.prefix}{${e.minLength ?? length},${e.maxLength ?? 32}}`;
}

/** Prefixes originated behind other ASNs get those ASNs in front of their path on export. */
function originPathFunction(intent: RouterIntent): string[] {
  const withPath = intent.originate.filter((o) => o.asPath.length);
  if (!withPath.length) return [];
  return [
    'function set_origin_path() {',
    ...withPath.flatMap((o) => [
      `  if source != RTS_BGP && net = ${o.prefix} then {`,
      ...[...o.asPath].reverse().map((asn) => `    bgp_path.prepend(${asn});`),
      '  }',
    ]),
    '}',
    '',
  ];
}

/**
 * A filter used for both import and export. BGP exports see the whole table, so only
 * BGP-learned routes and the node's own originated prefixes are candidates, as in FRR.
 */
function renderFilter(policy: Policy, hasOriginated: boolean, originPaths: boolean): string[] {
  const lines = [`filter ${birdName('pl', policy.name)} {`];
  if (originPaths) lines.push('  set_origin_path();');
  lines.push(`  if source != RTS_BGP${hasOriginated ? ` && !(net ~ ${originated})` : ''} then reject;`);
  for (const term of policy.terms) {
    const condition = conditions(term.match);
    const body = [...actions(term.set ?? {}), term.action === 'permit' ? 'accept;' : 'reject;'];
    const note = term.note ? ` # ${term.note}` : '';
    lines.push(condition ? `  if ${condition} then {${note}` : `  {${note}`, ...body.map((b) => `    ${b}`), '  }');
  }
  lines.push('  reject;', '}', '');
  return lines;
}

function conditions(match: Match): string {
  const parts = [
    ...(match.prefixSet ? [`net ~ ${birdName('ps', match.prefixSet)}`] : []),
    ...(match.community ? [`(${match.community.replace(':', ',')}) ~ bgp_community`] : []),
    ...(match.privateAsnInPath ? ['bgp_path ~ [= * private_asns * =]'] : []),
    ...(match.minPathLength ? [`bgp_path.len >= ${match.minPathLength}`] : []),
    ...(match.originAsns ? [`bgp_path.last ~ [ ${match.originAsns.join(', ')} ]`] : []),
  ];
  return parts.map((p) => `(${p})`).join(' && ');
}

function actions(set: Actions): string[] {
  return [
    ...(set.addCommunities ?? []).map((c) => `bgp_community.add((${c.replace(':', ',')}));`),
    ...(set.localPref !== undefined ? [`bgp_local_pref = ${set.localPref};`] : []),
    ...(set.med !== undefined ? [`bgp_med = ${set.med};`] : []),
    // BIRD has no weight; route preference is the same local-only tie-breaker.
    ...(set.weight !== undefined ? [`preference = ${100 + set.weight};`] : []),
    ...(set.prepend ? Array<string>(set.prepend.count).fill(`bgp_path.prepend(${set.prepend.asn});`) : []),
  ];
}
