import { InputError } from '../errors.js';
import type { BgpSession, LabModel, LabNode, Link, NodeInterface } from '../topology/model.js';
import { renderStub, type StubSession } from './stub.js';
import type { WitnessRoute } from '../requirements/router-evidence.js';
import { witnessRoutes } from './witness.js';

/** The node that speaks for every neighbour of the partner router in its sandbox. */
export const stubNode = 'stub';

export type { StubSession };

export interface SandboxPlan {
  router: string;
  /** A lab of two nodes: the partner router as the lab would run it (its own config), and the stub. */
  model: LabModel;
  sessions: StubSession[];
  witnesses: WitnessRoute[];
}

/**
 * The sandbox of one partner router: its interfaces as the lab names and addresses them (a LAG becomes a
 * plain link: nothing of LACP is judged here), each session of its contract held by the stub (the AS8075
 * edges with their BFD, the core announcing the peer's prefixes and the witness routes, the transit).
 */
export function sandboxPlan(model: LabModel, routerName: string): SandboxPlan {
  const router = model.nodes.find((n) => n.name === routerName && n.role === 'peer-router');
  if (!router) throw new InputError(`no peer router "${routerName}" in ${model.source}`);
  const sessions = model.sessions
    .filter((s) => s.a.node === router.name || s.b.node === router.name)
    .map((s, i) => stubSession(router, s, i));
  const witnesses = witnessRoutes(model);
  const ifaces = router.interfaces.filter((i) => i.kind !== 'member').map((i) => ({ ...i, kind: 'p2p' as const }));
  const links: Link[] = sessions.map((s) => ({
    id: `sbx-${s.stands}`,
    a: { node: router.name, interface: interfaceOf(ifaces, s.routerAddress, router.name).name },
    b: { node: stubNode, interface: s.stubInterface },
  }));
  const stub: LabNode = {
    name: stubNode,
    role: 'edge-router',
    side: 'microsoft',
    daemon: 'bird',
    asn: model.microsoft.asn,
    statefulFirewall: false,
    interfaces: sessions.map((s) => ({
      name: s.stubInterface,
      kind: 'p2p',
      address: `${s.stubAddress}/${prefixLength(ifaces, s.routerAddress, router.name)}`,
    })),
    config: { file: 'stub.conf', text: renderStub({ model, sessions, witnesses }) },
    routes: [],
  };
  // No transit node, no BFD gate: the stub holds the transit session, and its edges run no gate.
  const rest: LabModel = { ...model };
  delete rest.transit;
  delete rest.bfdGate;
  return {
    router: router.name,
    sessions,
    witnesses,
    model: {
      ...rest,
      // A name of its own each time: a sandbox a killed run left never stands in the way of the next.
      name: `sbx-${router.name.slice(0, 20).replace(/-+$/, '')}-${Math.random().toString(36).slice(2, 7)}`,
      nodes: [{ ...router, interfaces: ifaces }, stub],
      links,
      interconnects: [],
      sessions: sessions.map((s) => sessionOf(router, s)),
    },
  };
}

function stubSession(router: LabNode, s: BgpSession, i: number): StubSession {
  const [mine, theirs] = s.a.node === router.name ? [s.a, s.b] : [s.b, s.a];
  const stands = s.interconnect ?? theirs.node;
  const protocol = `${s.kind === 'interconnect' ? 'edge' : s.kind === 'ibgp' ? 'core' : 'transit'}${i}`;
  return {
    protocol,
    table: `t_${protocol}`,
    kind: s.kind,
    stands,
    stubInterface: `s${i}`,
    stubAddress: theirs.address,
    routerAddress: mine.address,
    localAs: theirs.asn,
    remoteAs: mine.asn,
    // Microsoft's edge runs BFD where the interconnect has it; the stub core and transit run none.
    bfd: s.kind === 'interconnect' ? s.bfd : null,
  };
}

function sessionOf(router: LabNode, s: StubSession): BgpSession {
  return {
    id: `sbx/${s.stands}`,
    kind: s.kind,
    a: { node: router.name, asn: s.remoteAs, address: s.routerAddress },
    b: { node: stubNode, asn: s.localAs, address: s.stubAddress },
    bfd: s.bfd,
  };
}

function interfaceOf(ifaces: NodeInterface[], address: string, router: string): NodeInterface {
  const iface = ifaces.find((i) => i.address?.split('/')[0] === address);
  if (!iface) throw new InputError(`${router} has no interface with the session address ${address}`);
  return iface;
}

const prefixLength = (ifaces: NodeInterface[], address: string, router: string) =>
  interfaceOf(ifaces, address, router).address!.split('/')[1]!;
