import { z } from 'zod';
import { defineFault } from '../kind.js';
import { linkState, memberInterface } from '../steps.js';

export const memberDown = defineFault({
  name: 'member-down',
  summary: 'one LAG member loses carrier (its peer-side end goes down)',
  targets: ['member'],
  options: z.strictObject({}),
  plan: (t) => [linkState(t.interconnect.peerRouter, [memberInterface(t.interconnect, t.member)])],
});
