import { z } from 'zod';
import { defineFault } from '../kind.js';
import { direction } from '../options.js';
import { egressDrop, links, netemSteps, senders } from '../steps.js';

const method = z
  .enum(['nft', 'netem'])
  .optional()
  .describe(
    'what drops the frames: nft (numgen random at the egress hook, any kernel; the default) or netem (the kernel network emulator, sch_netem)',
  );

/**
 * Partial loss, as dirty optics or a congested transport circuit cause it: every frame (LACP and BFD
 * included) is dropped with the given probability, at the egress of one end (`direction`) or both.
 * nftables' random number generator does it on any kernel (this host's has no netem); netem, the tool
 * operators know, where the kernel has it (the QEMU guest, most hosts).
 */
export const randomLoss = defineFault({
  name: 'random-loss',
  summary: 'every frame (LACP and BFD too) lost with a probability, at the egress of both ends or one',
  targets: ['member', 'interconnect'],
  options: z.strictObject({
    percent: z.number().int().min(1).max(100).optional().describe('the share of frames lost, 1-100 (default 10)'),
    direction,
    method,
  }),
  needs: (o) => (o.method === 'netem' ? ['sch_netem'] : []),
  plan: (t, o, { table }) => {
    const { ic, ifaces } = links(t);
    const percent = o.percent ?? 10;
    if (o.method === 'netem')
      return senders(ic, o.direction).map((node) => netemSteps(node, ifaces, ['loss', 'random', `${percent}%`]));
    const match = ['numgen', 'random', 'mod', '100', '<', String(percent)];
    return senders(ic, o.direction).map((node) => egressDrop(node, table, ifaces, match));
  },
});
