import type { Interconnect, LabModel, LabNode } from '../topology/model.js';
import { allRoutes, neighborFor, peerPrefixSet, servicePrefixSet, sessionsOf } from './helpers.js';
import type { Policy, RouterIntent, Term } from '../daemons/intent.js';

/** A partner router terminating interconnects: announces the peer's prefixes to AS8075, tagged per R-COMMUNITY. */
export function peerRouterIntent(model: LabModel, node: LabNode, base: RouterIntent): RouterIntent {
  const groups = communityGroups(model);
  const intent: RouterIntent = {
    ...base,
    prefixSets: [peerPrefixSet(model), servicePrefixSet(), ...groups.map((g) => g.set)],
    policies: [allRoutes],
  };
  for (const view of sessionsOf(model, node.name)) {
    if (view.session.kind !== 'interconnect') {
      intent.neighbors.push(neighborFor(view, { importPolicy: allRoutes.name, exportPolicy: allRoutes.name }));
      continue;
    }
    const ic = model.interconnects.find((i) => i.id === view.session.interconnect)!;
    const [toMsft, fromMsft] = [policyName('TO', ic), policyName('FROM', ic)];
    intent.policies.push(exportPolicy(toMsft, ic, groups, model.peer.asn), importPolicy(fromMsft, ic));
    intent.neighbors.push(
      neighborFor(view, { importPolicy: fromMsft, exportPolicy: toMsft, maxPrefix: model.peer.maxPrefix }),
    );
  }
  return intent;
}

function policyName(direction: 'TO' | 'FROM', ic: Interconnect): string {
  return `${direction}-MSFT-${ic.metro}-${ic.name}`.toUpperCase();
}

/** Prefixes that carry the same communities share a prefix set. */
function communityGroups(model: LabModel) {
  const byKey = new Map<string, string[]>();
  for (const p of model.peer.prefixes)
    if (p.communities.length > 0) {
      const key = p.communities.join(' ');
      byKey.set(key, [...(byKey.get(key) ?? []), p.prefix]);
    }
  return [...byKey].map(([key, prefixes], i) => ({
    communities: key.split(' '),
    set: { name: `TAGGED-${i + 1}`, entries: prefixes.map((prefix) => ({ prefix })) },
  }));
}

function exportPolicy(name: string, ic: Interconnect, groups: ReturnType<typeof communityGroups>, asn: number): Policy {
  const tuning = {
    ...(ic.policy.med !== undefined ? { med: ic.policy.med } : {}),
    ...(ic.policy.prepend ? { prepend: { asn, count: ic.policy.prepend } } : {}),
  };
  const tagged: Term[] = groups.map((g) => ({
    note: 'R-COMMUNITY',
    match: { prefixSet: g.set.name },
    action: 'permit',
    set: { addCommunities: g.communities, ...tuning },
  }));
  return { name, terms: [...tagged, { match: { prefixSet: 'PEER-PREFIXES' }, action: 'permit', set: tuning }] };
}

function importPolicy(name: string, ic: Interconnect): Policy {
  const set = {
    ...(ic.policy.localPref !== undefined ? { localPref: ic.policy.localPref } : {}),
    ...(ic.policy.weight !== undefined ? { weight: ic.policy.weight } : {}),
  };
  return { name, terms: [{ match: { prefixSet: 'MSFT-SERVICES' }, action: 'permit', set }] };
}
