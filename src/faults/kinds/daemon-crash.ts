import { z } from 'zod';
import { daemonOf } from '../../daemons/registry.js';
import { defineFault } from '../kind.js';

/** Kill the BGP daemon alone, the way its driver knows, and start it again with the same config. */
export const daemonCrash = defineFault({
  name: 'daemon-crash',
  summary: "a router's BGP daemon crashes (SIGKILL) and is started again on revert; links and BFD stay up",
  targets: ['router'],
  options: z.strictObject({}),
  plan: (t, _, { model, dirs }) => {
    const node = model.nodes.find((n) => n.name === t.node)!;
    return [{ node: node.name, netOnly: false, ...daemonOf(node).crashBgp(dirs(node.name)) }];
  },
});
