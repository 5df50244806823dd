import { normalizeBfd, type BfdState, type BgpPeerState } from '../types.js';

interface FrrPeer {
  state: string;
  pfxRcd?: number;
  lastResetDueTo?: string;
}

/** `show bgp summary json` */
export function parseFrrBgpSummary(json: string): BgpPeerState[] {
  const peers = (JSON.parse(json) as { ipv4Unicast?: { peers?: Record<string, FrrPeer> } }).ipv4Unicast?.peers ?? {};
  return Object.entries(peers).map(([peer, p]) => ({
    peer,
    state: p.state,
    received: p.pfxRcd ?? 0,
    ...(p.lastResetDueTo ? { info: p.lastResetDueTo } : {}),
  }));
}

/** `show bfd peers json` */
export function parseFrrBfdPeers(json: string): BfdState[] {
  return (JSON.parse(json) as { peer: string; status: string }[]).map((p) => ({
    peer: p.peer,
    state: normalizeBfd(p.status),
  }));
}

/** The keys of one object member of FRR's JSON output (`routes`, `receivedRoutes`): prefixes. */
export function routeKeys(json: string | undefined, member: string): string[] {
  try {
    const data = JSON.parse(json ?? '{}') as Record<string, unknown>;
    const value = data[member];
    return value && typeof value === 'object' ? Object.keys(value) : [];
  } catch {
    return [];
  }
}

/** `show bgp ipv4 unicast json`: each prefix with the AS path of each of its paths ("" for a local one). */
export function routePaths(json: string | undefined): Record<string, string[]> {
  try {
    const routes = (JSON.parse(json ?? '{}') as { routes?: Record<string, { path?: string }[]> }).routes ?? {};
    return Object.fromEntries(
      Object.entries(routes).map(([prefix, paths]) => [prefix, paths.map((p) => p.path ?? '')]),
    );
  } catch {
    return {};
  }
}
