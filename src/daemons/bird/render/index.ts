import type { RouterIntent } from '../../intent.js';
import { renderBirdBgp } from './bgp.js';
import { renderBirdPolicies } from './policy.js';

/** bird.conf: device, direct and kernel protocols, originated statics, BFD and BGP. */
export function renderBird(intent: RouterIntent, header: string): string {
  const blackholes = intent.originate.filter((o) => o.blackhole);
  return [
    `# ${header}`,
    `router id ${intent.routerId};`,
    '',
    ...renderBirdPolicies(intent),
    'protocol device {}',
    'protocol direct { ipv4; }',
    'protocol kernel {',
    // Connected routes are the kernel's already; everything else BIRD selects is installed.
    '  ipv4 { import none; export filter { if source = RTS_DEVICE then reject; accept; }; };',
    ...(intent.multipath ? ['  merge paths on limit 16;'] : []),
    '}',
    ...(blackholes.length
      ? [
          'protocol static static_originated {',
          '  ipv4;',
          ...blackholes.map((o) => `  route ${o.prefix} blackhole;`),
          '}',
        ]
      : []),
    ...(intent.neighbors.some((n) => n.bfd) ? ['protocol bfd {}'] : []),
    '',
    ...renderBirdBgp(intent),
  ].join('\n');
}
