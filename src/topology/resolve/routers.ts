import { daemonDriver } from '../../daemons/registry.js';
import { hostPart, ranges, SubnetPool } from '../addresses.js';
import type { LabModel } from '../model.js';
import type { LabBuilder } from './builder.js';

/** Three networks, three ASNs: eBGP between two of them with one ASN would be iBGP (or refused). */
export function checkAsns({ file, fail }: LabBuilder): void {
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
}

/** The peer's core, its routers (each daemon version one its driver has) and Microsoft's core. */
export function addRouters(lab: LabBuilder): void {
  const { file } = lab;
  lab.addNode({
    name: lab.core,
    role: file.type === 'ers' ? 'route-server' : 'peer-core',
    side: 'peer',
    asn: file.peer.asn,
    daemon: file.peer.core?.daemon ?? (file.type === 'ers' ? 'bird' : 'frr'),
  });
  for (const [name, router] of Object.entries(file.peer.routers)) {
    lab.claim(name, ['peer', 'routers'], name);
    const versions = Object.keys(daemonDriver(router.daemon).versions);
    if (router.version !== undefined && !versions.includes(router.version))
      lab.fail(`${router.daemon} has no version "${router.version}" here; versions: ${versions.join(', ')}`, [
        'peer',
        'routers',
        name,
        'version',
      ]);
    lab.addNode({
      name,
      role: 'peer-router',
      side: 'peer',
      asn: router.asn ?? file.peer.asn,
      daemon: router.daemon,
      ...(router.version !== undefined ? { version: router.version } : {}),
      statefulFirewall: router['stateful-firewall'],
    });
  }
  lab.addNode({
    name: 'msft-core',
    role: 'ms-core',
    side: 'microsoft',
    asn: file.microsoft.asn,
    daemon: file.microsoft.daemon,
  });
}

/** iBGP from each side's core to its routers: every peer router, which must have an interconnect, and every edge. */
export function linkCores(lab: LabBuilder): void {
  for (const [name, router] of lab.nodes)
    if (router.role === 'peer-router') {
      if (!lab.interconnects.some((ic) => ic.peerRouter === name))
        lab.fail(`peer router "${name}" has no interconnect`, ['peer', 'routers'], name);
      lab.p2p(lab.core, name, 'ibgp');
    }
  for (const [name, router] of lab.nodes) if (router.role === 'edge-router') lab.p2p('msft-core', name, 'ibgp');
}

/** The internet, where the topology has a transit: eBGP to both cores. */
export function addTransit(lab: LabBuilder): LabModel['transit'] {
  const { transit } = lab.file;
  if (!transit) return undefined;
  lab.addNode({ name: 'transit', role: 'transit', side: 'internet', asn: transit.asn, daemon: transit.daemon });
  lab.p2p('transit', lab.core, 'transit');
  lab.p2p('transit', 'msft-core', 'transit');
  return { asn: transit.asn, node: 'transit' };
}

/** A router ID for every router, in the order the nodes were made. */
export function assignRouterIds(lab: LabBuilder): void {
  const routerIds = new SubnetPool('router ID', ranges.routerIds, 32, ranges.routerIdsOverflow);
  for (const node of lab.nodes.values()) if (node.role !== 'host') node.routerId = hostPart(routerIds.take().address);
}
