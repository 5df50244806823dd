import type { Address4 } from 'ip-address';
import { daemonDriver } from '../daemons/registry.js';
import { InputError, type SourcePosition } from '../errors.js';
import { addressAt, networkOf, overlaps, parsePrefix, ranges, SubnetPool, hostPart } from './addresses.js';
import type { Bfd, BgpSession, Interconnect, LabModel, LabNode, Link, NodeInterface, PeerPrefix } from './model.js';
import type { InterconnectFile, TopologyFile } from './schema.js';

export type Locate = (path: readonly PropertyKey[], key?: string) => SourcePosition | undefined;

const IFNAMSIZ = 15;
const defaultBfd: Bfd = { intervalMs: 300, multiplier: 3 };

/** Turn what a topology file says into the lab model, or fail on the first inconsistency with its position. */
export function resolveTopology(file: TopologyFile, source: string, locate: Locate = () => undefined): LabModel {
  /** Points at the value `path` names, or with `key`, at that key (for errors about a name). */
  const fail = (message: string, path: readonly PropertyKey[], key?: string): never => {
    throw new InputError(message, locate(path, key), [...path, ...(key ? [key] : [])].join('.'));
  };

  // Three networks, three ASNs: eBGP between two of them with one ASN would be iBGP (or refused).
  if (file.microsoft.asn === file.peer.asn)
    fail(`AS${file.peer.asn} is the Microsoft side's ASN (microsoft.asn), not the peer's own; they must differ`, [
      'peer',
      'asn',
    ]);
  if (file.transit && [file.peer.asn, file.microsoft.asn].includes(file.transit.asn))
    fail(`the transit's ASN ${file.transit.asn} is the peer's or Microsoft's; each network needs its own`, [
      'transit',
      'asn',
    ]);

  const coreName = file.type === 'ers' ? 'ixp-rs' : 'peer-core';
  const names = new Map<string, string>();
  const claim = (name: string, path: readonly PropertyKey[], key?: string) => {
    const previous = names.get(name);
    if (previous) fail(`duplicate node name "${name}" (already used by ${previous})`, path, key);
    if (`e-${name}`.length > IFNAMSIZ) {
      fail(
        `node name "${name}" is too long: interfaces toward it are named "e-${name}" and Linux interface names are at most ${IFNAMSIZ} bytes`,
        path,
        key,
      );
    }
    names.set(name, [...path, ...(key ? [key] : [])].join('.'));
  };
  for (const reserved of [coreName, 'msft-core', 'transit']) names.set(reserved, 'peerlab (reserved)');

  const nodes = new Map<string, LabNode>();
  const addNode = (node: Omit<LabNode, 'interfaces' | 'routes' | 'statefulFirewall'> & Partial<LabNode>) => {
    const full: LabNode = { interfaces: [], routes: [], statefulFirewall: false, ...node };
    nodes.set(full.name, full);
    return full;
  };
  const addInterface = (node: string, iface: NodeInterface) => nodes.get(node)!.interfaces.push(iface);

  const prefixes = resolvePrefixes(file, fail);

  addNode({
    name: coreName,
    role: file.type === 'ers' ? 'route-server' : 'peer-core',
    side: 'peer',
    asn: file.peer.asn,
    daemon: file.peer.core?.daemon ?? (file.type === 'ers' ? 'bird' : 'frr'),
  });
  for (const [name, router] of Object.entries(file.peer.routers)) {
    claim(name, ['peer', 'routers'], name);
    const versions = Object.keys(daemonDriver(router.daemon).versions);
    if (router.version !== undefined && !versions.includes(router.version))
      fail(`${router.daemon} has no version "${router.version}" here; versions: ${versions.join(', ')}`, [
        'peer',
        'routers',
        name,
        'version',
      ]);
    addNode({
      name,
      role: 'peer-router',
      side: 'peer',
      asn: router.asn ?? file.peer.asn,
      daemon: router.daemon,
      ...(router.version !== undefined ? { version: router.version } : {}),
      statefulFirewall: router['stateful-firewall'],
    });
  }
  addNode({
    name: 'msft-core',
    role: 'ms-core',
    side: 'microsoft',
    asn: file.microsoft.asn,
    daemon: file.microsoft.daemon,
  });

  const icPool =
    file.type === 'ers'
      ? new SubnetPool('peer-provided interconnect', ranges.peerProvided, 31)
      : new SubnetPool('Microsoft-provided interconnect', ranges.microsoftProvided, 31);
  const internalPool = new SubnetPool('internal link', ranges.internal, 31, ranges.internalOverflow);
  const links: Link[] = [];
  const sessions: BgpSession[] = [];
  const interconnects: Interconnect[] = [];

  /** An address pool that runs out names the field whose entry asked for one more. */
  const taken = <T>(take: () => T, path: readonly PropertyKey[]): T => {
    try {
      return take();
    } catch (error) {
      if (error instanceof InputError) return fail(error.message, path);
      throw error;
    }
  };
  const p2p = (a: string, b: string, kind: BgpSession['kind'] | null) => {
    const subnet = taken(() => internalPool.take(), ['metros']);
    const [addrA, addrB] = [addressAt(subnet, 0n), addressAt(subnet, 1n)];
    addInterface(a, { name: `e-${b}`, kind: 'p2p', address: addrA });
    addInterface(b, { name: `e-${a}`, kind: 'p2p', address: addrB });
    links.push({ id: `${a}~${b}`, a: { node: a, interface: `e-${b}` }, b: { node: b, interface: `e-${a}` } });
    if (kind) {
      const end = (node: string, address: string) => ({
        node,
        asn: nodes.get(node)!.asn!,
        address: hostPart(address),
      });
      sessions.push({ id: `${a}~${b}`, kind, a: end(a, addrA), b: end(b, addrB), bfd: null });
    }
  };

  if (Object.keys(file.metros).length === 0) fail('at least one metro is required', ['metros']);
  for (const [metro, metroFile] of Object.entries(file.metros)) {
    if (Object.keys(metroFile.interconnects).length === 0)
      fail('a metro needs at least one interconnect', ['metros', metro, 'interconnects']);
    for (const [name, ic] of Object.entries(metroFile.interconnects)) {
      const path = ['metros', metro, 'interconnects', name];
      const peerRouter = nodes.get(ic['peer-router']);
      if (peerRouter?.role !== 'peer-router') {
        fail(
          `unknown peer router "${ic['peer-router']}"; peer.routers has: ${Object.keys(file.peer.routers).join(', ')}`,
          [...path, 'peer-router'],
        );
      }
      peerRouter!.metro ??= metro;
      const edgeName = ic['edge-router'];
      if (!nodes.has(edgeName)) {
        claim(edgeName, [...path, 'edge-router']);
        addNode({
          name: edgeName,
          role: 'edge-router',
          side: 'microsoft',
          asn: file.microsoft.asn,
          daemon: file.microsoft.daemon,
          metro,
        });
      } else if (nodes.get(edgeName)!.role !== 'edge-router') {
        fail(`"${edgeName}" is a ${nodes.get(edgeName)!.role}, not a Microsoft edge router`, [...path, 'edge-router']);
      }
      const subnet = taken(() => icPool.take(), path);
      interconnects.push(resolveInterconnect(file, metro, name, ic, subnet, links, fail));
    }
  }
  for (const ic of interconnects) {
    const ifaces = (bond: string, address: string): NodeInterface[] => [
      { name: bond, kind: 'bond', address },
      ...ic.lag.memberLinks.map((_, i) => ({ name: `${bond}-m${i + 1}`, kind: 'member' as const, bond })),
    ];
    nodes.get(ic.peerRouter)!.interfaces.push(...ifaces(ic.lag.interface, ic.peerAddress));
    nodes.get(ic.edgeRouter)!.interfaces.push(...ifaces(ic.lag.interface, ic.edgeAddress));
    sessions.push({
      id: ic.id,
      kind: 'interconnect',
      interconnect: ic.id,
      a: { node: ic.peerRouter, asn: file.peer.asn, address: hostPart(ic.peerAddress) },
      b: { node: ic.edgeRouter, asn: file.microsoft.asn, address: hostPart(ic.edgeAddress) },
      bfd: ic.bfd ?? (file.type === 'voice' ? defaultBfd : null),
    });
  }

  for (const [name, router] of nodes)
    if (router.role === 'peer-router') {
      if (!interconnects.some((ic) => ic.peerRouter === name))
        fail(`peer router "${name}" has no interconnect`, ['peer', 'routers'], name);
      p2p(coreName, name, 'ibgp');
    }
  for (const [name, router] of nodes) if (router.role === 'edge-router') p2p('msft-core', name, 'ibgp');

  let transit: LabModel['transit'];
  if (file.transit) {
    addNode({ name: 'transit', role: 'transit', side: 'internet', asn: file.transit.asn, daemon: file.transit.daemon });
    p2p('transit', coreName, 'transit');
    p2p('transit', 'msft-core', 'transit');
    transit = { asn: file.transit.asn, node: 'transit' };
  }

  const servicePool = new SubnetPool('Microsoft service', ranges.services, 24);
  const servicePrefixes = Array.from({ length: file.microsoft['service-prefixes'] }, () =>
    networkOf(servicePool.take()),
  );
  attachHosts(file, prefixes, servicePrefixes, coreName, { claim, addNode, addInterface, links, fail });

  const peaks = Object.entries(file.metros).flatMap(([metro, m]) =>
    m['peak-traffic'] ? [[metro, speedMbps(m['peak-traffic'])] as const] : [],
  );
  // Two sources must never make one interface name on a node (a LAG named like a core link, two LAGs
  // whose metro and interconnect names join to the same string): up would fail half-way.
  for (const node of nodes.values()) {
    const seen = new Map<string, { source: string; ic?: Interconnect }>();
    for (const iface of node.interfaces) {
      const previous = seen.get(iface.name);
      const ic = interconnects.find(
        (i) =>
          (i.peerRouter === node.name || i.edgeRouter === node.name) &&
          (iface.name === i.lag.interface || iface.bond === i.lag.interface) &&
          i !== previous?.ic,
      );
      const source = ic ? `the LAG of interconnect ${ic.id}` : `its link to ${iface.name.slice(2)}`;
      if (previous) {
        const at = ic ?? previous.ic;
        fail(
          `${node.name} would have two interfaces named "${iface.name}": ${previous.source} and ${source}; rename a metro or an interconnect`,
          at ? ['metros', at.metro, 'interconnects'] : ['metros'],
          at?.name,
        );
      }
      seen.set(iface.name, { source, ...(ic ? { ic } : {}) });
    }
  }

  const routerIds = new SubnetPool('router ID', ranges.routerIds, 32, ranges.routerIdsOverflow);
  for (const node of nodes.values()) if (node.role !== 'host') node.routerId = hostPart(routerIds.take().address);

  return {
    name: file.name,
    source,
    type: file.type,
    lab: file.lab,
    peer: {
      name: file.peer.name ?? file.name,
      asn: file.peer.asn,
      maxPrefix: file.peer['max-prefix'],
      registeredOriginAsns: file.peer['registered-origin-asns'] ?? [],
      prefixes,
      core: coreName,
    },
    microsoft: { asn: file.microsoft.asn, servicePrefixes },
    ...(transit ? { transit } : {}),
    nodes: [...nodes.values()],
    links,
    interconnects,
    sessions,
    ...(peaks.length ? { peakTrafficMbps: Object.fromEntries(peaks) } : {}),
  };
}

type Fail = (message: string, path: readonly PropertyKey[], key?: string) => never;

function resolvePrefixes(file: TopologyFile, fail: Fail): PeerPrefix[] {
  const labRanges = Object.entries(ranges).map(([label, range]) => [label, parsePrefix(range)] as const);
  const seen: { prefix: Address4; index: number }[] = [];
  return file.peer.prefixes.map((p, index) => {
    const path = ['peer', 'prefixes', index];
    let parsed: Address4;
    try {
      parsed = parsePrefix(p.prefix);
    } catch {
      return fail(`"${p.prefix}" is not a valid IPv4 prefix`, [...path, 'prefix']);
    }
    if (networkOf(parsed) !== p.prefix)
      fail(`"${p.prefix}" has host bits set; did you mean ${networkOf(parsed)}?`, [...path, 'prefix']);
    // A registered more-specific inside an announced aggregate is a normal design; the same prefix twice is not.
    const same = seen.find((s) => networkOf(s.prefix) === p.prefix);
    if (same)
      fail(
        `${p.prefix} is listed twice (also peer.prefixes.${same.index}); a more-specific inside an aggregate is fine, the same prefix twice is not`,
        [...path, 'prefix'],
      );
    const lab = labRanges.find(([, range]) => overlaps(range, parsed));
    if (lab)
      fail(`${p.prefix} overlaps the lab's ${lab[0]} range ${networkOf(lab[1])}; use e.g. 203.0.113.0/24`, [
        ...path,
        'prefix',
      ]);
    seen.push({ prefix: parsed, index });
    const defaultCommunities = p.registered && file.type !== 'ers' ? ['8075:8007'] : [];
    return {
      prefix: p.prefix,
      ...(p.class ? { trafficClass: p.class } : {}),
      registered: p.registered,
      communities: p.communities ?? defaultCommunities,
      asPath: p['as-path'],
      originAsn: p['as-path'].at(-1) ?? file.peer.asn,
    };
  });
}

function resolveInterconnect(
  file: TopologyFile,
  metro: string,
  name: string,
  ic: InterconnectFile,
  subnet: Address4,
  links: Link[],
  fail: Fail,
): Interconnect {
  const path = ['metros', metro, 'interconnects', name];
  const bond = `${metro}-${name}`;
  if (`${bond}-m1`.length > IFNAMSIZ) {
    fail(
      `LAG members would be named "${bond}-m1", longer than Linux's ${IFNAMSIZ}-byte interface names: keep metro and interconnect names within ${IFNAMSIZ - 4} bytes together`,
      ['metros', metro, 'interconnects'],
      name,
    );
  }
  const lag = { members: 2, 'member-speed': '10G', lacp: 'active' as const, ...file.defaults?.lag, ...ic.lag };
  const bfdFile = ic.bfd ?? file.defaults?.bfd;
  const bfd: Bfd | null =
    bfdFile === false ? null : bfdFile ? { intervalMs: bfdFile.interval, multiplier: bfdFile.multiplier } : defaultBfd;
  const memberLinks = Array.from({ length: lag.members }, (_, i) => {
    const iface = `${bond}-m${i + 1}`;
    const id = `${metro}/${name}/m${i + 1}`;
    links.push({
      id,
      a: { node: ic['peer-router'], interface: iface },
      b: { node: ic['edge-router'], interface: iface },
      interconnect: `${metro}/${name}`,
    });
    return id;
  });
  const memberSpeedMbps = speedMbps(lag['member-speed']);
  const role = ic.role ?? file.defaults?.role ?? 'redundant';
  if (ic['backup-of'] && role !== 'backup')
    fail('backup-of is only meaningful with role: backup', [...path, 'backup-of']);
  const policy = ic.policy ?? {};
  return {
    id: `${metro}/${name}`,
    metro,
    name,
    peerRouter: ic['peer-router'],
    edgeRouter: ic['edge-router'],
    role,
    ...(ic['backup-of'] ? { backupOf: ic['backup-of'] } : {}),
    lag: {
      interface: bond,
      members: lag.members,
      memberSpeedMbps,
      bandwidthMbps: memberSpeedMbps * lag.members,
      lacp: lag.lacp,
      memberLinks,
    },
    bfd,
    policy: {
      ...(policy['local-pref'] !== undefined ? { localPref: policy['local-pref'] } : {}),
      ...(policy.med !== undefined ? { med: policy.med } : {}),
      ...(policy.prepend !== undefined ? { prepend: policy.prepend } : {}),
      ...(policy.weight !== undefined ? { weight: policy.weight } : {}),
    },
    ...(ic['rate-limit'] ? { rateLimitMbps: speedMbps(ic['rate-limit']) } : {}),
    subnet: networkOf(subnet),
    // Microsoft takes the first address of the /31, the peer the second.
    edgeAddress: addressAt(subnet, 0n),
    peerAddress: addressAt(subnet, 1n),
  };
}

export function speedMbps(speed: string): number {
  const value = Number.parseInt(speed, 10);
  return speed.endsWith('G') ? value * 1000 : value;
}

interface HostContext {
  claim: (name: string, path: readonly PropertyKey[], key?: string) => void;
  addNode: (node: Omit<LabNode, 'interfaces' | 'routes' | 'statefulFirewall'>) => LabNode;
  addInterface: (node: string, iface: NodeInterface) => void;
  links: Link[];
  fail: Fail;
}

function attachHosts(file: TopologyFile, prefixes: PeerPrefix[], services: string[], core: string, ctx: HostContext) {
  const attach = (host: string, router: string, subnet: Address4, side: LabNode['side']) => {
    const gateway = addressAt(subnet, 1n);
    const node = ctx.addNode({ name: host, role: 'host', side });
    node.interfaces.push({ name: `e-${router}`, kind: 'p2p', address: addressAt(subnet, 2n) });
    node.routes.push({ prefix: '0.0.0.0/0', via: hostPart(gateway) });
    ctx.addInterface(router, { name: `e-${host}`, kind: 'p2p', address: gateway });
    ctx.links.push({
      id: `${router}~${host}`,
      a: { node: router, interface: `e-${host}` },
      b: { node: host, interface: `e-${router}` },
    });
  };
  const used = new Map<string, string>();
  for (const [host, spec] of Object.entries(file.peer.hosts)) {
    const path = ['peer', 'hosts', host];
    ctx.claim(host, ['peer', 'hosts'], host);
    const prefix = prefixes.find((p) => p.prefix === spec.prefix);
    if (!prefix)
      ctx.fail(`"${spec.prefix}" is not one of peer.prefixes (${prefixes.map((p) => p.prefix).join(', ')})`, [
        ...path,
        'prefix',
      ]);
    const nested = [...used].find(([other]) => overlaps(parsePrefix(other), parsePrefix(spec.prefix)));
    if (nested && nested[0] !== spec.prefix)
      ctx.fail(
        `prefix ${spec.prefix} overlaps ${nested[0]}, which houses host "${nested[1]}"; hosts need prefixes that do not overlap`,
        [...path, 'prefix'],
      );
    if (used.has(spec.prefix))
      ctx.fail(`prefix ${spec.prefix} already houses host "${used.get(spec.prefix)}"; give each host its own prefix`, [
        ...path,
        'prefix',
      ]);
    if (parsePrefix(spec.prefix).subnetMask > 30)
      ctx.fail(`a host prefix needs room for a gateway and a host (/30 or shorter)`, [...path, 'prefix']);
    used.set(spec.prefix, host);
    attach(host, core, parsePrefix(spec.prefix), 'peer');
  }
  const hosts = file.microsoft.hosts;
  if (hosts.length > services.length)
    ctx.fail(`${hosts.length} service hosts need as many service prefixes`, ['microsoft', 'hosts']);
  hosts.forEach((host, i) => {
    ctx.claim(host, ['microsoft', 'hosts', i]);
    attach(host, 'msft-core', parsePrefix(services[i]!), 'microsoft');
  });
}
