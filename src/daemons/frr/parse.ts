import { normalizeBfd, type BfdState, type BgpPeerState, type ReceivedRoute } from '../types.js';

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

const origins: Record<string, string> = { i: 'IGP', e: 'EGP', '?': 'incomplete' };

/** `show bgp ipv4 unicast neighbors X received-routes json`: the adj-RIB-in (path, origin, MED). */
export function parseReceivedRoutes(json: string | undefined): Omit<ReceivedRoute, 'accepted'>[] {
  try {
    const routes =
      (
        JSON.parse(json ?? '{}') as {
          receivedRoutes?: Record<string, { path?: string; bgpOriginCode?: string; metric?: number }>;
        }
      ).receivedRoutes ?? {};
    return Object.entries(routes).map(([prefix, r]) => ({
      prefix,
      asPath: (r.path ?? '')
        .split(/\s+/)
        .filter((a) => /^\d+$/.test(a))
        .map(Number),
      origin: origins[r.bgpOriginCode ?? 'i'] ?? String(r.bgpOriginCode),
      med: r.metric ?? 0,
    }));
  } catch {
    return [];
  }
}

/** `show bgp ipv4 unicast <prefix> json`: the communities of the path learned from `peer`. */
export function communitiesFrom(json: string | undefined, peer: string): string[] {
  try {
    const paths =
      (
        JSON.parse(json ?? '{}') as {
          paths?: { peer?: { peerId?: string }; community?: { list?: string[] } }[];
        }
      ).paths ?? [];
    return paths.find((p) => p.peer?.peerId === peer)?.community?.list ?? [];
  } catch {
    return [];
  }
}
