import { networkOf, parsePrefix, ranges } from '../topology/addresses.js';
import type { BgpSession, LabModel, LabNode, PeerPrefix } from '../topology/model.js';
import { permitAll, type Neighbor, type Policy, type PrefixSet } from '../daemons/intent.js';

/** The sessions of `node`, each seen from its side. */
export function sessionsOf(model: LabModel, node: string) {
  return model.sessions.flatMap((session) => {
    if (session.a.node === node) return [{ session, local: session.a, remote: session.b }];
    if (session.b.node === node) return [{ session, local: session.b, remote: session.a }];
    return [];
  });
}

export function neighborFor(
  view: ReturnType<typeof sessionsOf>[number],
  options: Pick<Neighbor, 'importPolicy' | 'exportPolicy'> & Partial<Neighbor>,
): Neighbor {
  return {
    name: sessionName(view.session, view.remote.node),
    description: `${view.session.kind} ${view.session.id} to ${view.remote.node}`,
    address: view.remote.address,
    localAddress: view.local.address,
    remoteAsn: view.remote.asn,
    nextHopSelf: view.session.kind === 'ibgp',
    bfd: view.session.bfd,
    keepRejected: false,
    ...options,
  };
}

function sessionName(session: BgpSession, remote: string): string {
  return session.kind === 'interconnect' ? session.id.replace('/', '_') : remote;
}

export function servicePrefixSet(): PrefixSet {
  return { name: 'MSFT-SERVICES', entries: [{ prefix: ranges.services, maxLength: 24 }] };
}

export function peerPrefixSet(model: LabModel, name = 'PEER-PREFIXES', only = (_: PeerPrefix) => true): PrefixSet {
  return { name, entries: model.peer.prefixes.filter(only).map((p) => ({ prefix: p.prefix })) };
}

/** Prefixes this node has a connected route for (no blackhole anchor needed). */
export function isConnected(node: LabNode, prefix: string): boolean {
  return node.interfaces.some((i) => i.address && networkOf(parsePrefix(i.address)) === prefix);
}

export const allRoutes: Policy = { name: 'ALL', terms: [permitAll] };
