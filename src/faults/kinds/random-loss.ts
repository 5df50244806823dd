import { z } from 'zod';
import { defineFault } from '../kind.js';
import { direction } from '../options.js';
import { egressDrop, links, senders } from '../steps.js';

/**
 * Partial loss, as dirty optics or a congested transport circuit cause it: every frame (LACP and BFD
 * included) is dropped with the given probability, at the egress of one end (`direction`) or both.
 * nftables' random number generator does it where netem is missing (this host's kernel).
 */
export const randomLoss = defineFault({
  name: 'random-loss',
  summary: 'every frame (LACP and BFD too) lost with a probability, at the egress of both ends or one',
  targets: ['member', 'interconnect'],
  options: z.strictObject({
    percent: z.number().int().min(1).max(100).optional().describe('the share of frames lost, 1-100 (default 10)'),
    direction,
  }),
  plan: (t, o, { table }) => {
    const { ic, ifaces } = links(t);
    const match = ['numgen', 'random', 'mod', '100', '<', String(o.percent ?? 10)];
    return senders(ic, o.direction).map((node) => egressDrop(node, table, ifaces, match));
  },
});
