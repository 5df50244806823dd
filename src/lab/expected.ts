import type { RouterIntent } from '../daemons/intent.js';
import { buildIntent } from '../intent/build.js';
import { denialReasons, evaluatePolicy, type Route } from '../intent/evaluate.js';
import type { LabModel } from '../topology/model.js';
import { bondsOf } from './lag/types.js';

/** What a converged lab looks like from each router. */
export interface ExpectedNode {
  node: string;
  /** `received`: the prefix count the lab predicts; `receivedAtLeast`: what the session had before a fault. */
  bgp: { peer: string; session: string; received?: number; receivedAtLeast?: number }[];
  bfd: { peer: string; session: string }[];
  lags: { name: string; members: string[] }[];
  /** Routes the kernel's main table had before a fault: restored means at least as many again. */
  fibAtLeast?: number;
}

export function expectedState(model: LabModel): ExpectedNode[] {
  const intents = new Map(model.nodes.filter((n) => n.role !== 'host').map((n) => [n.name, buildIntent(model, n)]));
  return [...intents.values()].map((intent) => ({
    node: intent.hostname,
    bgp: model.sessions.flatMap((s) => {
      const [local, remote] =
        s.a.node === intent.hostname ? [s.a, s.b] : s.b.node === intent.hostname ? [s.b, s.a] : [];
      if (!local || !remote) return [];
      // A partner's own config decides what it sends and accepts: the lab cannot predict those counts.
      const theirs = [local.node, remote.node].some((n) => model.nodes.find((x) => x.name === n)?.config);
      const received =
        s.kind === 'interconnect' && !theirs ? interconnectReceived(model, intents, intent, remote.node) : undefined;
      return [{ peer: remote.address, session: s.id, ...(received !== undefined ? { received } : {}) }];
    }),
    bfd: model.sessions
      .filter((s) => s.bfd && (s.a.node === intent.hostname || s.b.node === intent.hostname))
      .map((s) => ({ peer: s.a.node === intent.hostname ? s.b.address : s.a.address, session: s.id })),
    lags: bondsOf(model.nodes.find((n) => n.name === intent.hostname)!.interfaces).map((b) => ({
      name: b.name,
      members: b.members,
    })),
  }));
}

/** Prefixes `receiver` accepts over an interconnect: the sender's export, then the receiver's import, as rendered. */
function interconnectReceived(
  model: LabModel,
  intents: Map<string, RouterIntent>,
  receiver: RouterIntent,
  senderName: string,
): number {
  const sender = intents.get(senderName)!;
  const candidates =
    sender.role === 'edge-router'
      ? model.microsoft.servicePrefixes.map((prefix) => ({
          prefix,
          asPath: [] as number[],
          communities: [] as string[],
        }))
      : model.peer.prefixes.map(announced);
  const { onWire, importPolicy } = interconnectPolicies(model, sender, receiver);
  return candidates.filter((route) => {
    const sent = onWire(route);
    return sent !== undefined && evaluatePolicy(importPolicy, receiver.prefixSets, sent) !== undefined;
  }).length;
}

/**
 * Why the Microsoft edge `edge` does not accept the peer's `prefix` from its interconnect peer router:
 * the rules of its import policy (the notes of its terms) that the route as sent breaks.
 */
export function rejectionReasons(model: LabModel, edge: string, prefix: string): string[] {
  const ic = model.interconnects.find((i) => i.edgeRouter === edge)!;
  const [sender, receiver] = [ic.peerRouter, edge].map((n) =>
    buildIntent(
      model,
      model.nodes.find((x) => x.name === n)!,
    ),
  );
  const { onWire, importPolicy } = interconnectPolicies(model, sender!, receiver!);
  const sent = onWire(announced(model.peer.prefixes.find((p) => p.prefix === prefix)!));
  return sent ? denialReasons(importPolicy, receiver!.prefixSets, sent) : ['not exported by the peer router'];
}

/** A peer prefix as its routers originate it. */
const announced = (p: LabModel['peer']['prefixes'][number]): Route => ({
  prefix: p.prefix,
  asPath: p.asPath,
  communities: [],
});

/** The sender's export over their interconnect (the route as it arrives), and the receiver's import policy. */
function interconnectPolicies(model: LabModel, sender: RouterIntent, receiver: RouterIntent) {
  const out = sender.neighbors.find((n) => n.address === addressOf(model, receiver.hostname, sender.hostname))!;
  const inn = receiver.neighbors.find((n) => n.address === addressOf(model, sender.hostname, receiver.hostname))!;
  const policy = (intent: RouterIntent, name: string) => intent.policies.find((p) => p.name === name)!;
  const exportPolicy = policy(sender, out.exportPolicy);
  return {
    onWire: (route: Route): Route | undefined => {
      const exported = evaluatePolicy(exportPolicy, sender.prefixSets, route);
      return exported && { ...exported, asPath: [sender.asn, ...exported.asPath] };
    },
    importPolicy: policy(receiver, inn.importPolicy),
  };
}

/** The session address of `node` as seen by its neighbor `from`. */
function addressOf(model: LabModel, node: string, from: string): string {
  const session = model.sessions.find(
    (s) => (s.a.node === node && s.b.node === from) || (s.b.node === node && s.a.node === from),
  )!;
  return session.a.node === node ? session.a.address : session.b.address;
}

/** Prefixes each router's sessions had accepted, by node and peer address. */
export type ReceivedCounts = Record<string, Record<string, number>>;

/** Each router just before the first fault: its sessions' prefix counts and its kernel's route count. */
export interface BeforeFault {
  received: ReceivedCounts;
  fib: Record<string, number>;
}

/**
 * What a restored lab must have again. Sessions whose count the lab cannot predict (a partner's own
 * config) at least what they had: Established alone came 1.1-1.2 s before a BIRD partner router had its
 * 280 routes and told its core. And every router's kernel at least the routes it had: a daemon can hold
 * and advertise routes its kernel does not have (BIRD 3.1.8 wrote routes it had withdrawn and received
 * again to the kernel only at its next kernel scan, up to 60 s later), and traffic sent there is lost.
 */
export function withFloors(expected: ExpectedNode[], before: BeforeFault): ExpectedNode[] {
  return expected.map((e) => {
    const fib = before.fib[e.node];
    return {
      ...e,
      bgp: e.bgp.map((b) => {
        const had = before.received[e.node]?.[b.peer];
        return b.received === undefined && had ? { ...b, receivedAtLeast: had } : b;
      }),
      ...(fib ? { fibAtLeast: fib } : {}),
    };
  });
}
