import { z } from 'zod';
import { defineFault } from '../kind.js';
import { direction } from '../options.js';
import { egressDrop, ipAndArp, memberInterfaces, senders } from '../steps.js';

export const oneWayLoss = defineFault({
  name: 'one-way-loss',
  summary: 'an interconnect drops IP and ARP in one direction (default to-microsoft), LACP kept alive',
  targets: ['interconnect'],
  options: z.strictObject({ direction }),
  plan: (t, o, { table }) =>
    senders(t.interconnect, o.direction ?? 'to-microsoft').map((node) =>
      egressDrop(node, table, memberInterfaces(t.interconnect), ipAndArp),
    ),
});
