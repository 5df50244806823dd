import type { NodeAccess } from '../../daemons/types.js';
import type { NodeInterface } from '../../topology/model.js';
import type { Runner } from '../../util/run.js';

export interface Bond {
  name: string;
  address: string;
  members: string[];
}

export interface LagState {
  name: string;
  /** LACP negotiated with the partner. */
  negotiated: boolean;
  members: { name: string; enabled: boolean }[];
}

/**
 * Everything specific to one way of making 802.3ad LAGs. A driver lives in `src/lab/lag/<name>/` and
 * is registered in `src/lab/lag/registry.ts`, which drives `--lag-driver auto` and the CLI's choices.
 * Commands are argument arrays run inside the node; `runDir` is the node's private state folder.
 */
export interface LagDriver {
  readonly kind: string;
  readonly description: string;
  /** Debian packages the router image installs for it. */
  readonly packages: readonly string[];
  /** Whether this host can run it; the reason (with what to do) when it cannot. */
  available(run: Runner): Promise<{ ok: true } | { ok: false; reason: string }>;
  setup(bonds: Bond[], runDir: string): string[][];
  /** A command in the node that exits 0 once the bond has negotiated LACP (for start-up scripts: exported labs). */
  negotiated(bond: Bond, runDir: string): string[];
  /** Each bond's LACP state and which members carry traffic; empty when the node does not answer. */
  read(node: NodeAccess, bonds: Bond[]): Promise<LagState[]>;
  /** router-kill: what dies with the router besides its routing daemons (run after they are killed). */
  kill(bonds: Bond[], runDir: string): string[][];
  /** router-kill revert: bring the LAGs back once the links are up again (before the routing daemons). */
  restore(bonds: Bond[], runDir: string): string[][];
  /**
   * Commands run after a router's own nftables ruleset was applied: a driver whose data path is in
   * nftables restores it when the partner's ruleset flushed it.
   */
  afterFilters?(bonds: Bond[], runDir: string): string[][];
  /** Probe packets per second per flow when a scenario does not say: what this driver's labs carry without queueing. */
  readonly defaultProbeRate: number;
}

export function bondsOf(interfaces: NodeInterface[]): Bond[] {
  return interfaces
    .filter((i) => i.kind === 'bond')
    .map((b) => ({
      name: b.name,
      address: b.address!,
      members: interfaces.filter((m) => m.bond === b.name).map((m) => m.name),
    }));
}
