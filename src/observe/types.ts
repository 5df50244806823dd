/** Typed state read from a router, the same shape whatever daemon or LAG driver produced it. */
export interface BgpPeerState {
  peer: string;
  /** RFC 4271 state name: Established, Active, Connect, Idle, OpenSent, OpenConfirm. */
  state: string;
  /** Prefixes accepted from the peer (after import policy). */
  received: number;
  /** Why the session is down, when the daemon says. */
  info?: string;
}

export interface BfdState {
  peer: string;
  state: 'up' | 'down' | 'init' | 'admin-down';
}

export interface LagState {
  name: string;
  /** LACP negotiated with the partner. */
  negotiated: boolean;
  members: { name: string; enabled: boolean }[];
}

export interface NodeSnapshot {
  node: string;
  bgp: BgpPeerState[];
  bfd: BfdState[];
  lags: LagState[];
}
