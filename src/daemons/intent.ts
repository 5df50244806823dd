/**
 * What a router must do, independent of the daemon that will do it: the contract between the lab
 * model (src/intent builds it) and the daemon drivers (which render it). It depends on nothing else.
 */
export interface RouterIntent {
  hostname: string;
  /** The node's role in the lab (peer-router, edge-router, ...). */
  role: string;
  /** The daemon driver that renders it. */
  daemon: string;
  asn: number;
  routerId: string;
  prefixSets: PrefixSet[];
  policies: Policy[];
  originate: Origination[];
  neighbors: Neighbor[];
  /** Install equal-cost BGP paths (active-active). */
  multipath: boolean;
}

/** BFD timers of a session. */
export interface Bfd {
  intervalMs: number;
  multiplier: number;
}

/** How long BFD with these timers takes to declare a session down: the multiplier times the interval. */
export const bfdDetectionMs = (bfd: Bfd): number => bfd.intervalMs * bfd.multiplier;

export interface PrefixSet {
  name: string;
  entries: { prefix: string; minLength?: number; maxLength?: number }[];
}

export interface Origination {
  prefix: string;
  /** No connected route exists: anchor the prefix with a blackhole route. */
  blackhole: boolean;
  /** ASNs behind this router, origin last, put in front of the path when announced. */
  asPath: number[];
}

export interface Neighbor {
  name: string;
  description: string;
  address: string;
  remoteAsn: number;
  importPolicy: string;
  exportPolicy: string;
  nextHopSelf: boolean;
  bfd: Bfd | null;
  /** This router's own address on the session (single-hop: its side of the link). */
  localAddress: string;
  /** Tear the session down past this many received prefixes. */
  maxPrefix?: number;
  /** Keep rejected routes visible (to show what the policy refused). */
  keepRejected: boolean;
  /**
   * Hold the session administratively down until its BFD session is up (Microsoft's edge for T-VOICE):
   * BFD runs on its own (a configured BFD peer from `localAddress` on this interface), and the lab's
   * BFD gate releases the neighbor when BFD comes up and holds it again when BFD goes down.
   */
  holdUntilBfd?: { interface: string };
}

/** Terms are evaluated in order; the first whose matches all hold decides; nothing matched is denied. */
export interface Policy {
  name: string;
  terms: Term[];
}

export interface Term {
  /** Why the term exists, e.g. the requirement it enforces; rendered as a comment. */
  note?: string;
  match: Match;
  action: 'permit' | 'deny';
  set?: Actions;
}

export interface Match {
  prefixSet?: string;
  community?: string;
  privateAsnInPath?: true;
  minPathLength?: number;
  originAsns?: number[];
}

export interface Actions {
  addCommunities?: string[];
  localPref?: number;
  med?: number;
  prepend?: { asn: number; count: number };
  weight?: number;
}

export const permitAll: Term = { match: {}, action: 'permit' };
