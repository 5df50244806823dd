import type { RouterIntent } from './intent.js';

/** The Debian releases router images are built from (and the host may run). */
export const suites = ['bookworm', 'trixie'] as const;
export type Suite = (typeof suites)[number];

/** A version a topology may name: the Debian suite whose packages are that version. */
export interface DaemonVersion {
  suite: Suite;
  /**
   * A package that conflicts with the suite's default one (Debian's bird3 with bird2): the image unpacks
   * it into this folder instead of installing it, and the driver runs its binaries from there.
   */
  unpack?: { package: string; into: string };
}

/** Where a node's daemons keep their state, as seen from inside the node. */
export interface NodeDirs {
  /** Configs (the node's host folder). */
  dir: string;
  /** Sockets, pid files, logs. */
  run: string;
  /**
   * A per-node name for daemons whose state folders are fixed host paths (FRR's -N pathspace), set
   * when nodes share the host's filesystem (netns runtime).
   */
  pathspace?: string;
}

/** How a driver reaches a running node: commands inside it, and, when the host can see them, its files. */
export interface NodeAccess {
  dirs: NodeDirs;
  /** Run a command in the node; its output, or undefined when it failed. */
  exec(argv: readonly string[]): Promise<string | undefined>;
  /**
   * The host path of a path inside the node, for talking to control sockets directly (no process per
   * query). Absent: read through `exec`.
   */
  hostPath?(path: string): string;
  /** A file of the node's /proc/net (which follows its network namespace). */
  procNet(file: string): Promise<string | undefined>;
}

export interface BgpPeerState {
  peer: string;
  /** RFC 4271 state name: Established, Active, Connect, Idle, OpenSent, OpenConfirm. */
  state: string;
  /** Prefixes accepted from the peer (after import policy). */
  received: number;
  /** Prefixes the daemon advertises to the peer (after export policy), where it says. */
  sent?: number;
  /** The daemon still has work for this peer: updates queued, or its table ahead of what the peer was sent. */
  pending?: boolean;
  /** Why the session is down, when the daemon says. */
  info?: string;
}

export interface BfdState {
  peer: string;
  state: 'up' | 'down' | 'init' | 'admin-down';
  /**
   * While up: how long this end takes to declare the session down, as the two ends negotiated it (the
   * peer's multiplier times the slower of this end's receive and the peer's transmit interval).
   */
  detectMs?: number;
  /** The peer's detect multiplier, where the daemon shows it. */
  remoteMultiplier?: number;
}

/** A route as a neighbor sent it (before import policy), and whether the import policy accepted it. */
export interface ReceivedRoute {
  prefix: string;
  asPath: number[];
  /** IGP, EGP or incomplete. */
  origin: string;
  /** MED as received (absent is 0, as best-path selection reads it). */
  med: number;
  /** Communities as received, where the daemon keeps them (for accepted routes). */
  communities?: string[];
  accepted: boolean;
}

/** What a config says about BGP, each fact with its 1-based line. */
export interface ConfigFacts {
  /** The local ASN of each BGP instance or protocol. */
  localAs: { asn: number; line: number }[];
  /** Each neighbor with its remote AS; `unread` where the config names it by a constant this reading does not follow. */
  neighbors: {
    address: string;
    remoteAs: number | 'internal' | 'external' | 'unread';
    line: number;
    localAs?: number;
  }[];
  /** Interfaces the config gives addresses to. */
  interfaces: { name: string; address?: string; line: number }[];
  /** What this reading does not follow (a constant, an unresolved group): said, never guessed. */
  unread: { line: number; text: string }[];
}

/** Commands that start a node's routing daemons (run in the node, in order). */
export interface DaemonStart {
  commands: string[][];
  /** Polled (every 100 ms) until `ok` says the daemons answer; then `apply` runs. */
  ready?: { command: string[]; ok: (stdout: string) => boolean };
  /** Loads the config once the daemons answer. */
  apply?: string[][];
}

/**
 * A limit on the prefixes a router takes from one neighbor, as its daemon holds it in force: the number,
 * whether it counts what the neighbor sent (before import policy) or what the policy accepted, and what
 * happens when it is exceeded, in the daemon's words.
 */
export interface PrefixLimit {
  limit: number;
  counts: 'received' | 'accepted';
  /** The session goes down (and maybe restarts), the extra routes are dropped, or a warning is logged. */
  action: 'session-down' | 'restart' | 'block' | 'warn';
  /** The daemon's own words for it (`disable`, `warning-only`, `restart after 5 min`). */
  said: string;
}

/** Lines of a config that show a requirement is configured (`peerlab check` cites them). */
export interface EvidencePatterns {
  bfd: RegExp;
  /** A community set on export. */
  community(community: string): RegExp;
  /** Equal-cost multipath across BGP paths. */
  multipath: RegExp;
  /** A max-prefix limit, the number captured (group 1). */
  maxPrefixValue: RegExp;
}

/** What a daemon said of its sessions; `late`: the kinds it was asked and did not answer in time. */
export interface Sessions {
  bgp: BgpPeerState[];
  bfd: BfdState[];
  late?: ('bgp' | 'bfd')[];
}

/**
 * Everything specific to one routing daemon. A driver lives in `src/daemons/<name>/` and is registered
 * by name in `src/daemons/registry.ts`; nothing else in peerlab branches on the daemon.
 */
export interface DaemonDriver {
  readonly name: string;
  readonly description: string;
  /** The config file in the node's folder. */
  readonly configFile: string;
  /** Debian packages the router image installs for it. */
  readonly packages: readonly string[];
  /**
   * The versions a topology may name (`version:`), each with the Debian suite whose packages are that
   * version: its router image runs it and its parser validates configs for it.
   */
  readonly versions: Readonly<Record<string, DaemonVersion>>;
  readonly defaultVersion: string;
  /** The version this driver object runs (the default one's, unless from `forVersion`). */
  readonly version?: string;
  /** The driver for another of its versions, where versions start, stop or are read differently. */
  forVersion?(version: string): DaemonDriver;
  /** The daemon config of one router, from the daemon-neutral intent. */
  render(intent: RouterIntent, header: string): string;
  /**
   * The daemon's own parser, run on the host: the command for a config file, the package holding the
   * tool, and where its output says the first error is.
   */
  readonly validator: {
    command(file: string): string[];
    package: string;
    locate(output: string): { line: number; column: number } | undefined;
  };
  /** Files a config includes, as written (path, 1-based line and column of the path); absent: the daemon has no include. */
  includes?(text: string): { path: string; line: number; column: number }[];
  /** The BGP facts a config states, with their lines: what a partner's own config is checked against. */
  inspect(text: string): ConfigFacts;
  start(dirs: NodeDirs): DaemonStart;
  /** SIGKILL every routing daemon of the node by its pid files (never by name: netns labs share one process table). */
  kill(dirs: NodeDirs): string[][];
  /** Start again after `kill`, as commands run in sequence (a fault's revert). */
  restart(dirs: NodeDirs): string[][];
  /** daemon-crash: kill the BGP daemon alone, and bring it back with the same config. */
  crashBgp(dirs: NodeDirs): { apply: string[][]; revert: string[][] };
  /**
   * The daemon's own CLI as a user types it (`birdc`, `vtysh`), and the command that points it at this node's
   * daemon (its control socket or pathspace: a netns node's is not the default one).
   */
  readonly cli: { name: string; command(dirs: NodeDirs): string[] };
  /** A pid file of a process that lives in the node's network namespace while the daemon runs. */
  pidFile(dirs: NodeDirs): string;
  /** Folders the daemon keeps outside the node's folder under a pathspace (nodes sharing the host's filesystem); `down` removes them. */
  hostPaths?(node: { pathspace: string; pids: readonly string[] }): string[];
  /** `down --all`: folders the daemon left on the host for processes that no longer run (crashed or killed labs). */
  orphans?(): Promise<string[]>;
  /**
   * BGP sessions and BFD sessions as the daemon reports them: empty when it does not answer, and named in
   * `late` when it runs but did not answer in time (their state is unknown, not absent).
   */
  readSessions(node: NodeAccess): Promise<Sessions>;
  /**
   * The prefix limits in force on the session with `peer` (most daemons hold one; BIRD may hold a receive
   * and an import limit at once): empty when none is set, undefined when the daemon does not answer.
   */
  prefixLimits(node: NodeAccess, peer: string): Promise<PrefixLimit[] | undefined>;
  /** Why the daemon last took the session with `peer` down, in its words, where `readSessions` does not say. */
  downReason?(node: NodeAccess, peer: string): Promise<string | undefined>;
  /**
   * The OPEN error (RFC 4271 6.2: peer AS, BGP identifier, hold time, capability) the daemon last sent or
   * received on the session with `peer`, in its words: a mismatch of the two configs that no retry fixes.
   * Undefined when the session's last error was something else, or the daemon does not answer.
   */
  refusal?(node: NodeAccess, peer: string): Promise<string | undefined>;
  /**
   * Whether the daemon runs BFD on its session with `peer`, as the daemon itself shows it: false for a
   * neighbor it has without BFD, undefined when it does not say (no such neighbor yet, no answer).
   */
  bfdConfigured?(node: NodeAccess, peer: string): Promise<boolean | undefined>;
  /** Route tables, where the daemon can show what it accepted and what a neighbor sent before policy. */
  readonly routes?: {
    /** The BGP table: each prefix with the AS path of every path the router has for it. */
    table(node: NodeAccess): Promise<Record<string, string[]>>;
    /** Prefixes `peer` sent, before import policy (needs the session to keep them). */
    received(node: NodeAccess, peer: string): Promise<string[]>;
    /** What `peer` sent with its attributes, each marked accepted or refused by import policy. */
    fromNeighbor?(node: NodeAccess, peer: string): Promise<ReceivedRoute[]>;
  };
  /**
   * Commands that hold one BGP neighbor administratively down and release it: the edge's BFD gate
   * (Microsoft holds route exchange until BFD is up). Drivers without it cannot run the gate.
   */
  readonly gate?: {
    hold(dirs: NodeDirs, asn: number, address: string): string[][];
    release(dirs: NodeDirs, asn: number, address: string): string[][];
  };
  /** Originate more prefixes from a running router (the edge growing its announcement), and withdraw them. */
  originate?(dirs: NodeDirs, asn: number, prefixes: readonly string[]): { apply: string[][]; revert: string[][] };
  readonly evidence: EvidencePatterns;
}

/** Commands that start a daemon again with no readiness poll (a fault's revert runs commands, not loops). */
export function restartCommands(start: DaemonStart): string[][] {
  return [...start.commands, ...(start.ready ? [['sleep', '1']] : []), ...(start.apply ?? [])];
}

/** What took a BGP session down, as a mechanism: the daemons' words for it (FRR's `lastResetDueTo`, BIRD's error). */
export type DownCause = 'carrier' | 'bfd' | 'hold-timer';

export function downCause(said: string | undefined): DownCause | undefined {
  if (!said) return undefined;
  if (/bfd/i.test(said)) return 'bfd';
  if (/hold timer/i.test(said)) return 'hold-timer';
  // FRR: the interface went down under the session (fast external failover), or, read a moment later, the
  // session waits for its next hop, which for a directly connected eBGP neighbour leaves with the interface's
  // connected route; BIRD: its direct neighbor lost.
  if (/interface down|neighbor lost|address lost|waiting for nht/i.test(said)) return 'carrier';
  return undefined;
}

/** A BFD state as any daemon spells it (Up, up, AdminDown, admin_down...), in one vocabulary. */
export function normalizeBfd(state: string): BfdState['state'] {
  const s = state.toLowerCase().replace(/[_ ]/g, '-');
  if (s === 'up' || s === 'init' || s === 'admin-down') return s;
  if (s === 'admindown') return 'admin-down';
  return 'down';
}
