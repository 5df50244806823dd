import type { Bfd } from '../daemons/intent.js';
import type { ConnectionType, Daemon, Role, TrafficClass } from './schema.js';

/** The resolved lab: every name bound, every address allocated. Renderers and runtimes consume only this. */
export interface LabModel {
  name: string;
  source: string;
  type: ConnectionType;
  lab: boolean;
  peer: PeerSide;
  microsoft: { asn: number; servicePrefixes: string[] };
  transit?: { asn: number; node: string };
  nodes: LabNode[];
  links: Link[];
  interconnects: Interconnect[];
  sessions: BgpSession[];
  /**
   * The emulated edge holds each BFD-protected interconnect session down until its BFD session is up,
   * as Microsoft's edge does for T-VOICE (set by `peerlab certify`).
   */
  bfdGate?: boolean;
  /** Expected peak traffic per metro (Mbps), where the topology declares it (R-UTILIZATION). */
  peakTrafficMbps?: Record<string, number>;
}

export interface PeerSide {
  name: string;
  asn: number;
  maxPrefix: number;
  registeredOriginAsns: number[];
  prefixes: PeerPrefix[];
  /** The partner's customers as the topology declares them: `check`'s sandbox gives the router their routes. */
  customers: { asn: number; prefixes: string[] }[];
  core: string;
}

export interface PeerPrefix {
  prefix: string;
  trafficClass?: TrafficClass;
  registered: boolean;
  communities: string[];
  /** ASNs behind the peer, origin last; the peer's own ASN is not included. */
  asPath: number[];
  /** Origin ASN of announcements: the last of asPath, or the peer's ASN. */
  originAsn: number;
}

export type NodeRole = 'peer-router' | 'edge-router' | 'peer-core' | 'route-server' | 'ms-core' | 'transit' | 'host';
export type Side = 'peer' | 'microsoft' | 'internet';

/** A file a partner's config includes (BIRD `include "filters.conf";`): placed beside it, where the daemon looks. */
export interface IncludedFile {
  /** Relative to the config's folder, as the daemon resolves it (no `..`, no wildcard). */
  path: string;
  text: string;
}

export interface LabNode {
  name: string;
  role: NodeRole;
  side: Side;
  /** Routing daemon; hosts have none. */
  daemon?: Daemon;
  /** The daemon's version when the topology names one (else its driver's default). */
  version?: string;
  asn?: number;
  routerId?: string;
  metro?: string;
  statefulFirewall: boolean;
  interfaces: NodeInterface[];
  /** A partner's own daemon config (topology `config:`), checked against the contract: it runs instead of a rendered one. */
  config?: { file: string; text: string; includes?: IncludedFile[] };
  /** The partner's packet filter (topology `nftables:`), applied before the daemons start. */
  nftables?: { file: string; text: string };
  /** The partner's traffic control (topology `tc:`): tc argument lists, applied before the daemons start. */
  tc?: string[][];
  /** Static routes a host installs (routers learn theirs by BGP). */
  routes: { prefix: string; via: string }[];
}

export interface NodeInterface {
  name: string;
  kind: 'bond' | 'member' | 'p2p';
  /** Address with prefix length, on bonds and p2p interfaces. */
  address?: string;
  /** For members: the bond they belong to. */
  bond?: string;
}

export interface Endpoint {
  node: string;
  interface: string;
}

/** One cable: a veth pair in the lab. */
export interface Link {
  id: string;
  a: Endpoint;
  b: Endpoint;
  interconnect?: string;
}

export type { Bfd } from '../daemons/intent.js';

export interface Interconnect {
  /** `metro/name`, the address used in faults and reports. */
  id: string;
  metro: string;
  name: string;
  peerRouter: string;
  edgeRouter: string;
  role: Role;
  backupOf?: string;
  lag: {
    interface: string;
    members: number;
    memberSpeedMbps: number;
    bandwidthMbps: number;
    lacp: 'active' | 'passive' | 'off';
    memberLinks: string[];
  };
  bfd: Bfd | null;
  policy: { localPref?: number; med?: number; prepend?: number; weight?: number };
  rateLimitMbps?: number;
  subnet: string;
  peerAddress: string;
  edgeAddress: string;
}

export type SessionKind = 'interconnect' | 'ibgp' | 'transit';

export interface SessionEnd {
  node: string;
  asn: number;
  address: string;
}

export interface BgpSession {
  id: string;
  kind: SessionKind;
  a: SessionEnd;
  b: SessionEnd;
  interconnect?: string;
  bfd: Bfd | null;
}
