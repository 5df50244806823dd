import type { LabModel, LabNode } from '../topology/model.js';
import { allRoutes, isConnected, neighborFor, peerPrefixSet, servicePrefixSet, sessionsOf } from './helpers.js';
import type { Policy, PrefixSet, RouterIntent } from '../daemons/intent.js';

/** Fallback paths learned from the transit are less preferred than any peering path. */
export const transitLocalPref = 50;

/**
 * A side's core: originates that side's prefixes, spreads traffic over every edge (multipath),
 * and uses the transit only as the fallback. `exported` is what it announces to the transit.
 */
function sideCore(
  model: LabModel,
  node: LabNode,
  base: RouterIntent,
  exported: PrefixSet,
  originate: RouterIntent['originate'],
): RouterIntent {
  const fromTransit: Policy = {
    name: 'FROM-TRANSIT',
    terms: [{ match: {}, action: 'permit', set: { localPref: transitLocalPref } }],
  };
  const toTransit: Policy = { name: 'TO-TRANSIT', terms: [{ match: { prefixSet: exported.name }, action: 'permit' }] };
  return {
    ...base,
    multipath: true,
    prefixSets: [exported],
    policies: [allRoutes, fromTransit, toTransit],
    originate,
    neighbors: sessionsOf(model, node.name).map((view) =>
      view.session.kind === 'transit'
        ? neighborFor(view, { importPolicy: fromTransit.name, exportPolicy: toTransit.name })
        : neighborFor(view, { importPolicy: allRoutes.name, exportPolicy: allRoutes.name }),
    ),
  };
}

/** The peer's core (or, for T-ERS, the exchange's route server): origin of the peer's prefixes. */
export function coreIntent(model: LabModel, node: LabNode, base: RouterIntent): RouterIntent {
  const originate = model.peer.prefixes.map((p) => ({
    prefix: p.prefix,
    blackhole: !isConnected(node, p.prefix),
    asPath: p.asPath,
  }));
  return sideCore(model, node, base, peerPrefixSet(model), originate);
}

/** Microsoft's core: origin of the service prefixes; never re-advertises peer prefixes (R-NO-READVERTISE). */
export function msCoreIntent(model: LabModel, node: LabNode, base: RouterIntent): RouterIntent {
  const originate = model.microsoft.servicePrefixes.map((prefix) => ({
    prefix,
    blackhole: !isConnected(node, prefix),
    asPath: [],
  }));
  return sideCore(model, node, base, servicePrefixSet(), originate);
}

/** The internet transit: carries both sides' routes to each other. */
export function transitIntent(model: LabModel, node: LabNode, base: RouterIntent): RouterIntent {
  return {
    ...base,
    policies: [allRoutes],
    neighbors: sessionsOf(model, node.name).map((view) =>
      neighborFor(view, { importPolicy: allRoutes.name, exportPolicy: allRoutes.name }),
    ),
  };
}
