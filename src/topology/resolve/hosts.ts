import type { Address4 } from 'ip-address';
import { addressAt, hostPart, networkOf, overlaps, parsePrefix, ranges, SubnetPool } from '../addresses.js';
import type { LabNode, PeerPrefix } from '../model.js';
import type { LabBuilder } from './builder.js';

/** Microsoft's service prefixes: consecutive /24s of the services range. */
export function servicePrefixes(lab: LabBuilder): string[] {
  const servicePool = new SubnetPool('Microsoft service', ranges.services, 24);
  return Array.from({ length: lab.file.microsoft['service-prefixes'] }, () => networkOf(servicePool.take()));
}

/**
 * Probe hosts: each peer host in a peer prefix of its own behind the peer's core, each Microsoft host in a
 * service prefix of its own behind Microsoft's core. A host's router is its gateway (the prefix's first address).
 */
export function attachHosts(lab: LabBuilder, prefixes: PeerPrefix[], services: string[]): void {
  const used = new Map<string, string>();
  for (const [host, spec] of Object.entries(lab.file.peer.hosts)) {
    lab.claim(host, ['peer', 'hosts'], host);
    checkHostPrefix(lab, spec.prefix, prefixes, used, ['peer', 'hosts', host, 'prefix']);
    used.set(spec.prefix, host);
    attach(lab, host, lab.core, parsePrefix(spec.prefix), 'peer');
  }
  const hosts = lab.file.microsoft.hosts;
  if (hosts.length > services.length)
    lab.fail(`${hosts.length} service hosts need as many service prefixes`, ['microsoft', 'hosts']);
  hosts.forEach((host, i) => {
    lab.claim(host, ['microsoft', 'hosts', i]);
    attach(lab, host, 'msft-core', parsePrefix(services[i]!), 'microsoft');
  });
}

/** A peer host's prefix: one of the peer's, apart from every other host's, with room for a gateway and a host. */
function checkHostPrefix(
  lab: LabBuilder,
  prefix: string,
  prefixes: PeerPrefix[],
  used: Map<string, string>,
  path: PropertyKey[],
): void {
  if (!prefixes.some((p) => p.prefix === prefix))
    lab.fail(`"${prefix}" is not one of peer.prefixes (${prefixes.map((p) => p.prefix).join(', ')})`, path);
  const nested = [...used].find(([other]) => overlaps(parsePrefix(other), parsePrefix(prefix)));
  if (nested && nested[0] !== prefix)
    lab.fail(
      `prefix ${prefix} overlaps ${nested[0]}, which houses host "${nested[1]}"; hosts need prefixes that do not overlap`,
      path,
    );
  if (used.has(prefix))
    lab.fail(`prefix ${prefix} already houses host "${used.get(prefix)}"; give each host its own prefix`, path);
  if (parsePrefix(prefix).subnetMask > 30)
    lab.fail(`a host prefix needs room for a gateway and a host (/30 or shorter)`, path);
}

function attach(lab: LabBuilder, host: string, router: string, subnet: Address4, side: LabNode['side']): void {
  const gateway = addressAt(subnet, 1n);
  const node = lab.addNode({ name: host, role: 'host', side });
  node.interfaces.push({ name: `e-${router}`, kind: 'p2p', address: addressAt(subnet, 2n) });
  node.routes.push({ prefix: '0.0.0.0/0', via: hostPart(gateway) });
  lab.addInterface(router, { name: `e-${host}`, kind: 'p2p', address: gateway });
  lab.links.push({
    id: `${router}~${host}`,
    a: { node: router, interface: `e-${host}` },
    b: { node: host, interface: `e-${router}` },
  });
}
