import { z } from 'zod';
import { defineFault } from '../kind.js';
import { egressDrop, ends, memberInterface } from '../steps.js';

export const memberBlackhole = defineFault({
  name: 'member-blackhole',
  summary: 'one LAG member drops every frame, LACP included, with carrier up: LACP must expire it',
  targets: ['member'],
  options: z.strictObject({}),
  plan: (t, _, { table }) =>
    ends(t.interconnect).map((node) => egressDrop(node, table, [memberInterface(t.interconnect, t.member)], [])),
});
