import { LabError } from '../../errors.js';
import { normalizeBfd, type BfdState, type BgpPeerState, type PrefixLimit, type ReceivedRoute } from '../types.js';

interface FrrPeer {
  state: string;
  pfxRcd?: number;
  pfxSnt?: number;
  inq?: number;
  outq?: number;
  lastResetDueTo?: string;
}

/**
 * `show bgp summary json`. A peer is pending while messages wait in its queues (its `tableVersion` is no
 * help: FRR 8.4 reports 0 for every peer of a converged table).
 */
export function parseFrrBgpSummary(json: string): BgpPeerState[] {
  const peers = (JSON.parse(json) as { ipv4Unicast?: { peers?: Record<string, FrrPeer> } }).ipv4Unicast?.peers ?? {};
  return Object.entries(peers).map(([peer, p]) => ({
    peer,
    state: p.state,
    received: p.pfxRcd ?? 0,
    ...(p.pfxSnt !== undefined ? { sent: p.pfxSnt } : {}),
    ...(p.state === 'Established' ? { pending: (p.inq ?? 0) > 0 || (p.outq ?? 0) > 0 } : {}),
    ...(p.lastResetDueTo ? { info: p.lastResetDueTo } : {}),
  }));
}

interface FrrBfdPeer {
  peer: string;
  status: string;
  'receive-interval'?: number;
  'remote-transmit-interval'?: number;
  'remote-detect-multiplier'?: number;
}

/** `show bfd peers json`: state, and while up the detection time this end negotiated. */
export function parseFrrBfdPeers(json: string): BfdState[] {
  return (JSON.parse(json) as FrrBfdPeer[]).map((p) => {
    const state = normalizeBfd(p.status);
    const [rx, tx, mult] = [p['receive-interval'], p['remote-transmit-interval'], p['remote-detect-multiplier']];
    return {
      peer: p.peer,
      state,
      ...(state === 'up' && rx && tx && mult ? { detectMs: mult * Math.max(rx, tx), remoteMultiplier: mult } : {}),
    };
  });
}

/**
 * FRR's JSON answer; `undefined` when the daemon did not answer (a restarting daemon: nothing to read).
 * An answer that is not JSON (a CLI message where JSON was asked) is an error, never "no routes".
 */
function frrJson<T>(json: string | undefined, what: string): T | undefined {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as T;
  } catch (cause) {
    throw new LabError(`FRR answered ${what} with something that is not JSON: ${json.trim().split('\n')[0]}`, {
      cause,
    });
  }
}

/** The keys of one object member of FRR's JSON output (`routes`, `receivedRoutes`): prefixes. */
export function routeKeys(json: string | undefined, member: string): string[] {
  const value = frrJson<Record<string, unknown>>(json, member)?.[member];
  return value && typeof value === 'object' ? Object.keys(value) : [];
}

/** `show bgp ipv4 unicast json`: each prefix with the AS path of each of its paths ("" for a local one). */
export function routePaths(json: string | undefined): Record<string, string[]> {
  const routes = frrJson<{ routes?: Record<string, { path?: string }[]> }>(json, 'its BGP table')?.routes ?? {};
  return Object.fromEntries(Object.entries(routes).map(([prefix, paths]) => [prefix, paths.map((p) => p.path ?? '')]));
}

const origins: Record<string, string> = { i: 'IGP', e: 'EGP', '?': 'incomplete' };

/** `show bgp ipv4 unicast neighbors X received-routes json`: the adj-RIB-in (path, origin, MED). */
export function parseReceivedRoutes(json: string | undefined): Omit<ReceivedRoute, 'accepted'>[] {
  const routes =
    frrJson<{ receivedRoutes?: Record<string, { path?: string; bgpOriginCode?: string; metric?: number }> }>(
      json,
      'received-routes',
    )?.receivedRoutes ?? {};
  return Object.entries(routes).map(([prefix, r]) => ({
    prefix,
    asPath: (r.path ?? '')
      .split(/\s+/)
      .filter((a) => /^\d+$/.test(a))
      .map(Number),
    origin: origins[r.bgpOriginCode ?? 'i'] ?? String(r.bgpOriginCode),
    med: r.metric ?? 0,
  }));
}

/** `show bgp ipv4 unicast <prefix> json`: the communities of the path learned from `peer`. */
export function communitiesFrom(json: string | undefined, peer: string): string[] {
  const paths =
    frrJson<{ paths?: { peer?: { peerId?: string }; community?: { list?: string[] } }[] }>(json, 'a prefix')?.paths ??
    [];
  return paths.find((p) => p.peer?.peerId === peer)?.community?.list ?? [];
}

interface FrrNeighborFamily {
  prefixAllowedMax?: number;
  prefixAllowedMaxWarning?: boolean;
  prefixAllowedRestartIntervalMsecs?: number;
}

/**
 * `show bgp neighbors X json`: the maximum-prefix FRR holds in force for X, from the neighbor,
 * its peer-group or its defaults, whichever FRR applied (empty when none). FRR counts accepted prefixes.
 */
export function parseFrrPrefixLimits(json: string | undefined, peer: string): PrefixLimit[] | undefined {
  const answer = frrJson<Record<string, { addressFamilyInfo?: { ipv4Unicast?: FrrNeighborFamily } }>>(
    json,
    `its neighbor ${peer}`,
  );
  if (!answer) return undefined;
  const family = answer[peer]?.addressFamilyInfo?.ipv4Unicast;
  if (!family?.prefixAllowedMax) return [];
  const restart = family.prefixAllowedRestartIntervalMsecs;
  const limit = { limit: family.prefixAllowedMax, counts: 'accepted' as const };
  if (family.prefixAllowedMaxWarning) return [{ ...limit, action: 'warn', said: 'warning-only' }];
  if (restart) return [{ ...limit, action: 'restart', said: `restart after ${restart / 60_000} min` }];
  return [{ ...limit, action: 'session-down', said: 'session down until cleared' }];
}

/**
 * `show bgp neighbors X json`: the last NOTIFICATION sent or received, when it was an OPEN Message Error
 * (code 2, `lastErrorCodeSubcode` "02xx"), as FRR names it ("OPEN Message Error/Bad Peer AS").
 */
export function parseFrrOpenError(json: string | undefined, peer: string): string | undefined {
  const answer = frrJson<Record<string, { lastErrorCodeSubcode?: string; lastNotificationReason?: string }>>(
    json,
    `its neighbor ${peer}`,
  );
  const neighbor = answer?.[peer];
  if (!neighbor?.lastErrorCodeSubcode?.startsWith('02')) return undefined;
  return neighbor.lastNotificationReason ?? `OPEN Message Error ${neighbor.lastErrorCodeSubcode}`;
}

/**
 * `show bgp neighbors X json`: whether the neighbor runs BFD. FRR shows `peerBfdInfo` for every neighbor
 * configured with `bfd`, up or down; undefined when the daemon has no such neighbor (yet) or does not answer.
 */
export function parseFrrBfdConfigured(json: string | undefined, peer: string): boolean | undefined {
  const neighbor = frrJson<Record<string, { bgpState?: string; peerBfdInfo?: unknown }>>(
    json,
    `its neighbor ${peer}`,
  )?.[peer];
  return neighbor?.bgpState === undefined ? undefined : neighbor.peerBfdInfo !== undefined;
}

/** `show bgp neighbors X json`: why the session was last reset (`lastResetDueTo`), if it was. */
export function parseFrrResetReason(json: string | undefined, peer: string): string | undefined {
  const answer = frrJson<Record<string, { lastResetDueTo?: string }>>(json, `its neighbor ${peer}`);
  return answer?.[peer]?.lastResetDueTo;
}
