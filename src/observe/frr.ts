import type { BfdState, BgpPeerState } from './types.js';

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

export function normalizeBfd(state: string): BfdState['state'] {
  const s = state.toLowerCase().replace(/[_ ]/g, '-');
  if (s === 'up' || s === 'init' || s === 'admin-down') return s;
  if (s === 'admindown') return 'admin-down';
  return 'down';
}
