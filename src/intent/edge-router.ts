import { daemonDriver } from '../daemons/registry.js';
import type { LabModel, LabNode } from '../topology/model.js';
import { allRoutes, neighborFor, peerPrefixSet, servicePrefixSet, sessionsOf } from './helpers.js';
import type { Policy, RouterIntent, Term } from '../daemons/intent.js';

/** The emulated Microsoft edge (AS8075): enforces what Microsoft enforces on routes from the peer. */
export function edgeRouterIntent(model: LabModel, node: LabNode, base: RouterIntent): RouterIntent {
  const fromPeer = acceptFromPeer(model);
  const toPeer: Policy = { name: 'TO-PEER', terms: [{ match: { prefixSet: 'MSFT-SERVICES' }, action: 'permit' }] };
  return {
    ...base,
    prefixSets: [
      servicePrefixSet(),
      peerPrefixSet(model, 'REGISTERED', (p) => p.registered),
      { name: 'LONGER-THAN-24', entries: [{ prefix: '0.0.0.0/0', minLength: 25, maxLength: 32 }] },
    ],
    policies: [allRoutes, fromPeer, toPeer],
    neighbors: sessionsOf(model, node.name).map((view) =>
      view.session.kind === 'interconnect'
        ? neighborFor(view, {
            importPolicy: fromPeer.name,
            exportPolicy: toPeer.name,
            keepRejected: true,
            ...holdUntilBfd(model, node, view),
          })
        : neighborFor(view, { importPolicy: allRoutes.name, exportPolicy: allRoutes.name }),
    ),
  };
}

/** With the BFD gate on (certify), a BFD-protected session waits for BFD, where the edge's daemon can hold it. */
function holdUntilBfd(model: LabModel, node: LabNode, view: ReturnType<typeof sessionsOf>[number]) {
  const ic = model.interconnects.find((i) => i.id === view.session.interconnect);
  if (!model.bfdGate || !view.session.bfd || !ic || !node.daemon || !daemonDriver(node.daemon).gate) return {};
  return { holdUntilBfd: { interface: ic.lag.interface } };
}

function acceptFromPeer(model: LabModel): Policy {
  const rejects: Term[] = [
    { note: 'R-NO-PRIVATE-ASN-IN-PATH', match: { privateAsnInPath: true }, action: 'deny' },
    { note: 'R-ASPATH-SMALL-PREFIX', match: { prefixSet: 'LONGER-THAN-24', minPathLength: 4 }, action: 'deny' },
  ];
  const registered = model.peer.registeredOriginAsns;
  const accept: Term[] =
    model.type !== 'ers'
      ? [{ note: 'R-COMMUNITY', match: { prefixSet: 'REGISTERED', community: '8075:8007' }, action: 'permit' }]
      : registered.length > 0
        ? [
            {
              note: 'R-ORIGIN-ASN-REGISTERED',
              match: { prefixSet: 'REGISTERED', originAsns: registered },
              action: 'permit',
            },
          ]
        : []; // nothing registered: nothing is accepted
  return { name: 'FROM-PEER', terms: [...rejects, ...accept] };
}
