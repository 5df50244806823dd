import { InputError, type SourcePosition } from '../../errors.js';
import { addressAt, hostPart, ranges, SubnetPool } from '../addresses.js';
import type { BgpSession, Interconnect, LabNode, Link, NodeInterface } from '../model.js';
import type { TopologyFile } from '../schema.js';

export type Locate = (path: readonly PropertyKey[], key?: string) => SourcePosition | undefined;
export type Fail = (message: string, path: readonly PropertyKey[], key?: string) => never;

/** Linux's longest interface name, in bytes. */
export const IFNAMSIZ = 15;

type NewNode = Omit<LabNode, 'interfaces' | 'routes' | 'statefulFirewall'> & Partial<LabNode>;

const field = (path: readonly PropertyKey[], key?: string) => [...path, ...(key ? [key] : [])].join('.');

/**
 * The lab while a topology file is resolved into it: its nodes, cables, sessions and interconnects in the
 * order they are made, the node names taken, and the internal /31s handed out. Every step of
 * `resolveTopology` adds to one of these.
 */
export class LabBuilder {
  /** The peer's core: the route server of an exchange (T-ERS), else the ISP's core router. */
  readonly core: string;
  readonly nodes = new Map<string, LabNode>();
  readonly links: Link[] = [];
  readonly sessions: BgpSession[] = [];
  readonly interconnects: Interconnect[] = [];
  /** Who took each node name, as a field path (for "duplicate node name"). */
  private readonly names = new Map<string, string>();
  private readonly internalPool = new SubnetPool('internal link', ranges.internal, 31, ranges.internalOverflow);

  constructor(
    readonly file: TopologyFile,
    private readonly locate: Locate,
  ) {
    this.core = file.type === 'ers' ? 'ixp-rs' : 'peer-core';
    for (const reserved of [this.core, 'msft-core', 'transit']) this.names.set(reserved, 'peerlab (reserved)');
  }

  /** Points at the value `path` names, or with `key`, at that key (for errors about a name). */
  readonly fail: Fail = (message, path, key) => {
    throw new InputError(message, this.locate(path, key), field(path, key));
  };

  /** Take a node name for the entry at `path`: unique, and short enough to name interfaces after. */
  claim(name: string, path: readonly PropertyKey[], key?: string): void {
    const previous = this.names.get(name);
    if (previous) this.fail(`duplicate node name "${name}" (already used by ${previous})`, path, key);
    if (`e-${name}`.length > IFNAMSIZ) {
      this.fail(
        `node name "${name}" is too long: interfaces toward it are named "e-${name}" and Linux interface names are at most ${IFNAMSIZ} bytes`,
        path,
        key,
      );
    }
    this.names.set(name, field(path, key));
  }

  addNode(node: NewNode): LabNode {
    const full: LabNode = { interfaces: [], routes: [], statefulFirewall: false, ...node };
    this.nodes.set(full.name, full);
    return full;
  }

  addInterface(node: string, iface: NodeInterface): void {
    this.nodes.get(node)!.interfaces.push(iface);
  }

  /** An address pool that runs out names the field whose entry asked for one more. */
  taken<T>(take: () => T, path: readonly PropertyKey[]): T {
    try {
      return take();
    } catch (error) {
      if (error instanceof InputError) return this.fail(error.message, path);
      throw error;
    }
  }

  /** A cable between two routers on an internal /31, with a BGP session over it unless `kind` is null. */
  p2p(a: string, b: string, kind: BgpSession['kind'] | null): void {
    const subnet = this.taken(() => this.internalPool.take(), ['metros']);
    const [addrA, addrB] = [addressAt(subnet, 0n), addressAt(subnet, 1n)];
    this.addInterface(a, { name: `e-${b}`, kind: 'p2p', address: addrA });
    this.addInterface(b, { name: `e-${a}`, kind: 'p2p', address: addrB });
    this.links.push({ id: `${a}~${b}`, a: { node: a, interface: `e-${b}` }, b: { node: b, interface: `e-${a}` } });
    if (kind) {
      const end = (node: string, address: string) => ({
        node,
        asn: this.nodes.get(node)!.asn!,
        address: hostPart(address),
      });
      this.sessions.push({ id: `${a}~${b}`, kind, a: end(a, addrA), b: end(b, addrB), bfd: null });
    }
  }
}
