import type { Neighbor, RouterIntent } from '../../intent.js';
import { birdName } from './policy.js';

/** One `protocol bgp` per neighbor. */
export function renderBirdBgp(intent: RouterIntent): string[] {
  return intent.neighbors.flatMap((n) => neighbor(intent, n));
}

function neighbor(intent: RouterIntent, n: Neighbor): string[] {
  const internal = n.remoteAsn === intent.asn;
  return [
    `protocol bgp ${birdName('bgp', n.name)} {`,
    `  description "${n.description}";`,
    `  local as ${intent.asn};`,
    `  neighbor ${n.address} as ${n.remoteAsn};`,
    // Internal sessions also run over a directly connected /31; BIRD assumes multihop for iBGP.
    ...(internal ? ['  direct;'] : []),
    '  connect retry time 5;',
    // BIRD waits 60-300 s after an error (a BFD down is one) before it reconnects; FRR retries at
    // once. Recovery after a restored link should measure the network, not that backoff.
    '  error wait time 5, 30;',
    ...(n.bfd ? [`  bfd { interval ${n.bfd.intervalMs} ms; multiplier ${n.bfd.multiplier}; };`] : []),
    '  ipv4 {',
    `    import filter ${birdName('pl', n.importPolicy)};`,
    `    export filter ${birdName('pl', n.exportPolicy)};`,
    ...(n.nextHopSelf ? ['    next hop self;'] : []),
    ...(n.maxPrefix !== undefined ? [`    import limit ${n.maxPrefix} action disable;`] : []),
    ...(n.keepRejected ? ['    import keep filtered on;'] : []),
    '  };',
    '}',
    '',
  ];
}
