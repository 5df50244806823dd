import type { LabNode } from '../topology/model.js';
import type { RunOptions, RunResult } from '../util/run.js';
import type { ImageEngine } from './images.js';

/** Where a lab's nodes live. Only node creation, exec and teardown differ between runtimes. */
export interface Runtime {
  readonly kind: string;
  /** Nodes run the host's own daemons (their versions are the host's), not a router image's. */
  readonly usesHostDaemons: boolean;
  /** Present when nodes run the router image (built from Debian packages before a lab comes up). */
  readonly images?: ImageEngine;
  /** What this runtime needs of the host answers (an engine): an EnvironmentError naming it otherwise. */
  check(): Promise<void>;
  /**
   * Create the node with `hostDir` (its configs, sockets and pid files) visible inside it at `nodeDir()`;
   * `image` is the router image, for runtimes that run one.
   */
  createNode(lab: string, node: LabNode, hostDir: string, image: string): Promise<void>;
  /** What `ip link set dev X netns <target>` takes to move an interface into the node. */
  netnsTarget(lab: string, node: string): Promise<string>;
  /** The node's network namespace as a path nsenter --net takes (probe agents run there). */
  netnsPath(lab: string, node: string): Promise<string>;
  /**
   * nsenter's arguments that run the node's own network tools (ip, tc, nft) on its network: its network
   * namespace and, where the node has its own filesystem (a container), its mount namespace. A node's
   * nft must read what the node's nft wrote: a newer image's tables can crash an older host nft.
   */
  toolNamespaces(lab: string, node: string): Promise<string[]>;
  /**
   * `/proc/<pid>` of a process that lives in the node's network namespace for as long as the node does, when
   * the runtime keeps one apart from the daemons (undefined: read through the daemon's or container's).
   */
  procDir?(lab: string, node: string, hostDir: string): Promise<string | undefined>;
  /** Prefix that turns a path inside the node into the same file seen from the host. */
  hostRoot(lab: string, node: string): Promise<string>;
  exec(lab: string, node: string, argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** The node's view of its host directory. */
  nodeDir(lab: string, node: string, hostDir: string): string;
  /** A per-node name for daemons with fixed host folders (FRR's -N), when nodes share the host's filesystem. */
  pathspace(lab: string, node: string): string | undefined;
  /** Remove every resource of the lab in this runtime. */
  removeLab(lab: string): Promise<void>;
  /** Names of labs that have resources in this runtime, including those of crashed runs. */
  listLabs(): Promise<string[]>;
}
