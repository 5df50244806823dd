import type { LagDriver } from './types.js';

/** The kernel bonding driver in 802.3ad mode with the fast LACP rate. */
export const kernelLag: LagDriver = {
  kind: 'kernel',
  setup(bonds) {
    return bonds.flatMap((b) => [
      [
        'ip',
        'link',
        'add',
        b.name,
        'type',
        'bond',
        'mode',
        '802.3ad',
        'lacp_rate',
        'fast',
        'miimon',
        '100',
        'xmit_hash_policy',
        'layer3+4',
      ],
      ...b.members.flatMap((m) => [
        ['ip', 'link', 'set', m, 'down'],
        ['ip', 'link', 'set', m, 'master', b.name],
      ]),
      ['ip', 'addr', 'add', b.address, 'dev', b.name],
      ['ip', 'link', 'set', b.name, 'up'],
    ]);
  },
};
