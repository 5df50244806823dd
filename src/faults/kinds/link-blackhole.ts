import { z } from 'zod';
import { defineFault } from '../kind.js';
import { egressDrop, ends, ipAndArp, memberInterfaces } from '../steps.js';

export const linkBlackhole = defineFault({
  name: 'link-blackhole',
  summary: 'an interconnect drops IP and ARP at both ends, LACP kept alive: only BFD can notice (gray failure)',
  targets: ['interconnect'],
  options: z.strictObject({}),
  plan: (t, _, { table }) =>
    ends(t.interconnect).map((node) => egressDrop(node, table, memberInterfaces(t.interconnect), ipAndArp)),
});
