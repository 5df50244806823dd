import type { PrefixLimit } from '../daemons/types.js';
import type { SessionKind } from '../topology/model.js';

/**
 * What a partner router's own daemon did with its config, seen from stub neighbours on every session of
 * its contract (src/sandbox): the evidence the rules about partner configs are judged from when there is
 * one, instead of a reading of the file.
 */
export interface RouterEvidence {
  router: string;
  daemon: string;
  version: string;
  sessions: SessionEvidence[];
  /** The routes the stub core and transit gave the router, to see which of them it passes on. */
  witnesses: WitnessRoute[];
  /** From nothing to every figure read, teardown excluded. */
  elapsedMs: number;
  /** Why the routes were read before the daemon said it had sent everything (a busy host): a route missing is then no proof. */
  unsettled?: string;
}

export interface SessionEvidence {
  kind: SessionKind;
  /** The interconnect (metro/name) or the neighbour the session stands for. */
  stands: string;
  /** The stub's AS on the session (8075 toward an edge). */
  localAs: number;
  /** The BGP state the stub reached (Established, or where it stopped) and the daemon's reason when it stopped. */
  state: string;
  info?: string;
  /** Edges: BFD as negotiated with the router: its state, the interval in force, the time to detect a loss. */
  bfd?: { state: string; intervalMs: number; detectionMs: number };
  /** Edges: the prefix limits the router's daemon holds in force on the session (empty: none); absent when not read. */
  prefixLimits?: PrefixLimit[];
  /** What the router sent on this session, with the attributes it sent. */
  received: EvidenceRoute[];
}

export interface EvidenceRoute {
  prefix: string;
  asPath: number[];
  communities: string[];
  largeCommunities: string[];
  med?: number;
}

/** What a witness route probes in the partner router's export policy toward AS8075. */
export type WitnessKind =
  | 'registered'
  | 'unregistered'
  | 'more-specific'
  | 'customer'
  | 'declared-customer'
  | 'long-path-small-prefix'
  | 'private-asn'
  | 'default'
  | 'bogon'
  | 'internet'
  | 'bulk'
  | 'member-registered'
  | 'member-unregistered';

/** A route the stub core announces to the partner router, to see what of it reaches the edge. */
export interface WitnessRoute {
  prefix: string;
  /** AS path as the core sends it (ASNs behind the peer, origin last; empty for the peer's own). */
  asPath: number[];
  kind: WitnessKind;
  why: string;
}
