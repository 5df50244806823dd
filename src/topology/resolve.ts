import type { LabModel, PeerPrefix } from './model.js';
import { LabBuilder, type Locate } from './resolve/builder.js';
import { attachHosts, servicePrefixes } from './resolve/hosts.js';
import { checkInterfaceNames } from './resolve/interface-names.js';
import { bondInterconnects, resolveInterconnects, speedMbps } from './resolve/interconnects.js';
import { resolveCustomers, resolvePrefixes } from './resolve/prefixes.js';
import { addRouters, addTransit, assignRouterIds, checkAsns, linkCores } from './resolve/routers.js';
import type { TopologyFile } from './schema.js';

export type { Locate } from './resolve/builder.js';
export { speedMbps } from './resolve/interconnects.js';

/**
 * Turn what a topology file says into the lab model, or fail on the first inconsistency with its position.
 * Each step adds to the lab in turn (the order fixes every name, address and the first error reported):
 * routers, interconnects and their LAGs, the cores' links, the transit, the hosts, then the checks and
 * router IDs over all of it.
 */
export function resolveTopology(file: TopologyFile, source: string, locate: Locate = () => undefined): LabModel {
  const lab = new LabBuilder(file, locate);
  checkAsns(lab);
  const prefixes = resolvePrefixes(file, lab.fail);
  addRouters(lab);
  resolveInterconnects(lab);
  bondInterconnects(lab);
  linkCores(lab);
  const transit = addTransit(lab);
  const services = servicePrefixes(lab);
  attachHosts(lab, prefixes, services);
  checkInterfaceNames(lab);
  assignRouterIds(lab);
  return labModel(lab, source, prefixes, services, transit);
}

function labModel(
  lab: LabBuilder,
  source: string,
  prefixes: PeerPrefix[],
  servicePrefixes: string[],
  transit: LabModel['transit'],
): LabModel {
  const { file } = lab;
  const peaks = peakTrafficMbps(file);
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
      customers: resolveCustomers(file, lab.fail),
      core: lab.core,
    },
    microsoft: { asn: file.microsoft.asn, servicePrefixes },
    ...(transit ? { transit } : {}),
    nodes: [...lab.nodes.values()],
    links: lab.links,
    interconnects: lab.interconnects,
    sessions: lab.sessions,
    ...(peaks.length ? { peakTrafficMbps: Object.fromEntries(peaks) } : {}),
  };
}

/** The metros that declare their peak traffic, in Mbps. */
function peakTrafficMbps(file: TopologyFile): (readonly [string, number])[] {
  return Object.entries(file.metros).flatMap(([metro, m]) =>
    m['peak-traffic'] ? [[metro, speedMbps(m['peak-traffic'])] as const] : [],
  );
}
