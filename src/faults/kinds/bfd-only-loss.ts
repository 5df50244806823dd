import { z } from 'zod';
import { defineFault } from '../kind.js';
import { egressDrop, ends, memberInterfaces } from '../steps.js';

export const bfdOnlyLoss = defineFault({
  name: 'bfd-only-loss',
  summary: 'an interconnect drops BFD alone (UDP 3784, 3785) at both ends: BFD goes down and takes BGP with it',
  targets: ['interconnect'],
  options: z.strictObject({}),
  plan: (t, _, { table }) =>
    ends(t.interconnect).map((node) =>
      egressDrop(node, table, memberInterfaces(t.interconnect), ['udp', 'dport', '{ 3784, 3785 }']),
    ),
});
