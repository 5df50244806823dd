import type { Bfd, RouterIntent } from '../../intent.js';

export function bfdProfileName(bfd: Bfd): string {
  return `bfd-${bfd.intervalMs}x${bfd.multiplier}`;
}

/** One bfdd profile per distinct timer pair the neighbors use. */
export function renderFrrBfd(intent: RouterIntent): string[] {
  const profiles = new Map(intent.neighbors.flatMap((n) => (n.bfd ? [[bfdProfileName(n.bfd), n.bfd] as const] : [])));
  if (profiles.size === 0) return [];
  return [
    'bfd',
    ...[...profiles].flatMap(([name, bfd]) => [
      ` profile ${name}`,
      `  detect-multiplier ${bfd.multiplier}`,
      `  receive-interval ${bfd.intervalMs}`,
      `  transmit-interval ${bfd.intervalMs}`,
      ' exit',
    ]),
    // A configured peer keyed like bgpd's own registration: one BFD session that runs while BGP is held down.
    ...intent.neighbors.flatMap((n) =>
      n.bfd && n.holdUntilBfd
        ? [
            ` peer ${n.address} local-address ${n.localAddress} interface ${n.holdUntilBfd.interface}`,
            `  profile ${bfdProfileName(n.bfd)}`,
            ' exit',
          ]
        : [],
    ),
    'exit',
  ];
}
