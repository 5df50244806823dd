import { z } from 'zod';
import { defineFault } from '../kind.js';
import { linkState, memberInterfaces, routerKill } from '../steps.js';

export const siteDown = defineFault({
  name: 'site-down',
  summary: 'a metro is lost: every interconnect there loses carrier, or (scope routers) every peer router dies',
  targets: ['metro'],
  options: z.strictObject({
    scope: z
      .enum(['interconnects', 'routers'])
      .optional()
      .describe('lose every interconnect of the metro (carrier loss; the default), or kill every peer router there'),
  }),
  plan: (t, o, { model, dirs, lag }) => {
    if (o.scope === 'routers')
      return [...new Set(t.interconnects.map((ic) => ic.peerRouter))].map((r) =>
        routerKill(
          model.nodes.find((n) => n.name === r)!,
          dirs(r),
          lag,
        ),
      );
    return t.interconnects.map((ic) => linkState(ic.peerRouter, memberInterfaces(ic)));
  },
});
