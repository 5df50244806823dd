import type { Neighbor, RouterIntent } from '../../intent.js';
import { bfdProfileName } from './bfd.js';

const maxPaths = 16;

/** `router bgp` with its neighbors, originated networks and policies attached. */
export function renderFrrBgp(intent: RouterIntent): string[] {
  const lines = [
    `router bgp ${intent.asn}`,
    ` bgp router-id ${intent.routerId}`,
    ' no bgp default ipv4-unicast',
    ' bgp log-neighbor-changes',
    ...intent.neighbors.flatMap(neighborLines),
    ' address-family ipv4 unicast',
    ...intent.originate.map(
      (o) => `  network ${o.prefix}${o.asPath.length ? ` route-map ${originMapName(o.prefix)}` : ''}`,
    ),
    ...(intent.multipath ? [`  maximum-paths ${maxPaths}`, `  maximum-paths ibgp ${maxPaths}`] : []),
    ...intent.neighbors.flatMap(neighborFamilyLines),
    ' exit-address-family',
    'exit',
  ];
  return [...originMaps(intent), ...lines];
}

function neighborLines(n: Neighbor): string[] {
  return [
    ` neighbor ${n.address} remote-as ${n.remoteAsn}`,
    ` neighbor ${n.address} description ${n.description}`,
    ` neighbor ${n.address} timers connect 5`,
    ...(n.bfd
      ? [
          ` neighbor ${n.address} bfd`,
          ` neighbor ${n.address} bfd profile ${bfdProfileName(n.bfd)}`,
          // bgpd keys its BFD session on the source address: one learned when the session comes up would
          // replace the BFD session that was up, the peer's BFD would fall, and BGP with it, right away.
          ` neighbor ${n.address} update-source ${n.localAddress}`,
        ]
      : []),
    ...(n.bfd && n.holdUntilBfd ? [` neighbor ${n.address} shutdown`] : []),
  ];
}

function neighborFamilyLines(n: Neighbor): string[] {
  return [
    `  neighbor ${n.address} activate`,
    ...(n.nextHopSelf ? [`  neighbor ${n.address} next-hop-self`] : []),
    ...(n.keepRejected ? [`  neighbor ${n.address} soft-reconfiguration inbound`] : []),
    ...(n.maxPrefix !== undefined ? [`  neighbor ${n.address} maximum-prefix ${n.maxPrefix}`] : []),
    `  neighbor ${n.address} route-map ${n.importPolicy} in`,
    `  neighbor ${n.address} route-map ${n.exportPolicy} out`,
  ];
}

function originMapName(prefix: string): string {
  return `ORIGINATE-${prefix.replace(/[./]/g, '-')}`;
}

/** Prefixes originated behind other ASNs get those ASNs in front of their path. */
function originMaps(intent: RouterIntent): string[] {
  return intent.originate
    .filter((o) => o.asPath.length)
    .flatMap((o) => [
      `route-map ${originMapName(o.prefix)} permit 10`,
      ` set as-path prepend ${o.asPath.join(' ')}`,
      'exit',
    ]);
}
