import { hostPart } from './addresses.js';
import type { Bfd, LabModel, LabNode } from './model.js';

/**
 * What the lab gives a peer router and expects of its config: its interfaces and their addresses
 * (configured by the lab), the BGP sessions it must run (neighbor, remote ASN, what the lab relies on),
 * and what it must announce to AS8075. `peerlab render` publishes it next to a starting config; a
 * partner's own config is checked against it before anything runs.
 */
export interface RouterContract {
  router: string;
  daemon: string;
  asn: number;
  metro?: string;
  interfaces: ContractInterface[];
  sessions: ContractSession[];
  /** Prefixes the peer's core announces to this router over iBGP; it announces them to AS8075. */
  announce: { prefix: string; communities: string[]; registered: boolean }[];
  /** Microsoft service prefixes the edge announces over each interconnect (the max-prefix must tolerate them, R-MAX-PREFIX). */
  receives: number;
}

export interface ContractInterface {
  name: string;
  kind: 'lag' | 'member' | 'link';
  /** Configured by the lab on the interface (a partner config may repeat it, not change it). */
  address?: string;
  /** For members, the LAG they belong to; for LAGs and links, the interconnect or node they reach. */
  of?: string;
  toward: string;
}

export interface ContractSession {
  neighbor: string;
  remoteAsn: number;
  /** This router's address on the session. */
  localAddress: string;
  peer: string;
  kind: 'interconnect' | 'ibgp';
  interconnect?: string;
  bfd: Bfd | null;
  /** What the lab relies on for this session, one line each. */
  expects: string[];
}

/** The contract of every peer router, in model order. */
export function contracts(model: LabModel): RouterContract[] {
  return model.nodes.filter((n) => n.role === 'peer-router').map((n) => routerContract(model, n));
}

export function routerContract(model: LabModel, node: LabNode): RouterContract {
  const interfaces: ContractInterface[] = node.interfaces.map((i) => {
    const ic = model.interconnects.find((x) => x.peerRouter === node.name && x.lag.interface === (i.bond ?? i.name));
    const link = model.links.find(
      (l) =>
        (l.a.node === node.name && l.a.interface === i.name) || (l.b.node === node.name && l.b.interface === i.name),
    );
    const far = link && (link.a.node === node.name ? link.b.node : link.a.node);
    if (i.kind === 'bond')
      return {
        name: i.name,
        kind: 'lag',
        address: i.address!,
        of: ic!.id,
        toward: `the AS8075 edge ${ic!.edgeRouter}`,
      };
    if (i.kind === 'member') return { name: i.name, kind: 'member', of: i.bond!, toward: ic!.edgeRouter };
    return { name: i.name, kind: 'link', ...(i.address ? { address: i.address } : {}), toward: far ?? '?' };
  });
  const sessions: ContractSession[] = model.sessions.flatMap((s) => {
    const [local, remote] = s.a.node === node.name ? [s.a, s.b] : s.b.node === node.name ? [s.b, s.a] : [];
    if (!local || !remote) return [];
    const interconnect = s.kind === 'interconnect';
    const expects = interconnect
      ? [
          `eBGP to AS${remote.asn} over the LAG (${s.interconnect})`,
          ...(s.bfd
            ? [
                `BFD ${s.bfd.intervalMs} ms x ${s.bfd.multiplier}${model.type === 'voice' ? ' (required: T-VOICE)' : ''}`,
              ]
            : []),
          `announce the peer's prefixes${model.type === 'ers' ? '' : ', registered ones with 8075:8007'}; accept the ${model.microsoft.servicePrefixes.length} service prefixes (max-prefix above that, R-MAX-PREFIX)`,
        ]
      : [
          `iBGP to the peer's core ${remote.node}: it sends you the peer's prefixes`,
          'next-hop-self toward the core (it does not know the interconnect /31s)',
        ];
    return [
      {
        neighbor: remote.address,
        remoteAsn: remote.asn,
        localAddress: local.address,
        peer: remote.node,
        kind: interconnect ? 'interconnect' : 'ibgp',
        ...(s.interconnect ? { interconnect: s.interconnect } : {}),
        bfd: s.bfd,
        expects,
      },
    ];
  });
  return {
    router: node.name,
    daemon: node.daemon!,
    asn: node.asn!,
    ...(node.metro ? { metro: node.metro } : {}),
    interfaces,
    sessions,
    announce: model.peer.prefixes.map((p) => ({
      prefix: p.prefix,
      communities: p.communities,
      registered: p.registered,
    })),
    receives: model.microsoft.servicePrefixes.length,
  };
}

/** The contract as a person reads it (contract.txt next to the starting config). */
export function formatContract(c: RouterContract): string {
  return [
    `${c.router}: ${c.daemon}, AS${c.asn}${c.metro ? `, metro ${c.metro}` : ''}`,
    '',
    'Interfaces (the lab creates and addresses them; your config may repeat the addresses, not change them):',
    ...c.interfaces.map(
      (i) =>
        `  ${i.name.padEnd(16)} ${i.kind.padEnd(6)} ${(i.address ?? '-').padEnd(18)} ${i.kind === 'member' ? `member of ${i.of}` : `to ${i.toward}${i.of ? ` over ${i.of}` : ''}`}`,
    ),
    '',
    'BGP sessions (every one must be configured, with exactly this neighbor address and remote AS):',
    ...c.sessions.flatMap((s) => [
      `  neighbor ${s.neighbor} remote-as ${s.remoteAsn}   (${s.peer}; local address ${hostPart(s.localAddress)})`,
      ...s.expects.map((e) => `    - ${e}`),
    ]),
    '',
    'Prefixes to announce to AS8075 (received from the core):',
    ...c.announce.map(
      (p) =>
        `  ${p.prefix}${p.communities.length ? ` with ${p.communities.join(' ')}` : ''}${p.registered ? '' : ' (not registered)'}`,
    ),
    '',
    `The edge announces ${c.receives} Microsoft service prefixes on each interconnect.`,
    '',
  ].join('\n');
}
