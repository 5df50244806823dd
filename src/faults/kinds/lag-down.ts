import { z } from 'zod';
import { defineFault } from '../kind.js';
import { linkState, memberInterfaces } from '../steps.js';

export const lagDown = defineFault({
  name: 'lag-down',
  summary: 'every member of an interconnect loses carrier: the LAG goes down with its last member',
  targets: ['interconnect'],
  options: z.strictObject({}),
  plan: (t) => [linkState(t.interconnect.peerRouter, memberInterfaces(t.interconnect))],
});
