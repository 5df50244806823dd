import { InternalError } from '../errors.js';
import type { LabModel, LabNode } from '../topology/model.js';
import { coreIntent, msCoreIntent, transitIntent } from './cores.js';
import { edgeRouterIntent } from './edge-router.js';
import { peerRouterIntent } from './peer-router.js';
import type { RouterIntent } from '../daemons/intent.js';

const builders = {
  'peer-router': peerRouterIntent,
  'edge-router': edgeRouterIntent,
  'peer-core': coreIntent,
  'route-server': coreIntent,
  'ms-core': msCoreIntent,
  transit: transitIntent,
} as const;

/** The routing intent of one router node of the lab. */
export function buildIntent(model: LabModel, node: LabNode): RouterIntent {
  if (node.role === 'host' || !node.daemon) throw new InternalError(`${node.name} is not a router`);
  const base: RouterIntent = {
    hostname: node.name,
    role: node.role,
    daemon: node.daemon,
    asn: node.asn!,
    routerId: node.routerId!,
    prefixSets: [],
    policies: [],
    originate: [],
    neighbors: [],
    multipath: false,
  };
  return builders[node.role](model, node, base);
}
