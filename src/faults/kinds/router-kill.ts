import { z } from 'zod';
import { defineFault } from '../kind.js';
import { routerKill as killed } from '../steps.js';

export const routerKill = defineFault({
  name: 'router-kill',
  summary: 'a router dies: every daemon killed, every link loses carrier; restarted with its config on revert',
  targets: ['router'],
  options: z.strictObject({}),
  plan: (t, _, { model, dirs, lag }) => [
    killed(
      model.nodes.find((n) => n.name === t.node)!,
      dirs(t.node),
      lag,
    ),
  ],
});
