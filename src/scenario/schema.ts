import { z } from 'zod';
import { faultKinds } from '../faults/primitives.js';

/** What a scenario file says. The loader binds it to its topology (scenario/load.ts). */

const name = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must start with a lowercase letter and use only a-z, 0-9 and "-"');
export const duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(/^\d+(\.\d+)?(ms|s|m)$/, 'must be a duration such as "300ms", "3s" or "2m" (a number is seconds)'),
  ])
  .describe('a duration: "300ms", "3s", "2m", or a number of seconds');
const specId = z.string().regex(/^[RTE]-[A-Z0-9-]+$/, 'must be a spec ID such as "E-SILENT" or "R-BFD"');

export const faultSchema = z.union([
  z.string().describe('"<kind> <target>", such as "link-blackhole ams/ic1"'),
  z.strictObject({
    kind: z.enum(faultKinds),
    target: z.string(),
    direction: z.enum(['to-microsoft', 'to-peer']).optional(),
    scope: z.enum(['interconnects', 'routers']).optional(),
  }),
]);

export const stepKinds = ['wait', 'fault', 'revert', 'hold', 'flap', 'mark'] as const;

const stepSchema = z
  .strictObject({
    wait: z.enum(['converged', 'restored']).optional().describe('until every session, BFD and LAG is as expected'),
    timeout: duration.optional().describe('wait: how long before the step fails (default 150s)'),
    fault: faultSchema.optional().describe('apply a fault; it stays until a revert step (or the end)'),
    as: name.optional().describe('fault: a name a revert step can use'),
    revert: z.string().optional().describe('"all", or the name given with "as"'),
    hold: duration.optional(),
    flap: faultSchema.optional().describe('apply and revert a fault "count" times, one per "period"'),
    count: z.number().int().min(1).max(100).optional(),
    period: duration.optional(),
    down: duration.optional().describe('flap: how long each failure lasts'),
    mark: name.optional().describe('a checkpoint: every router is snapshotted; "state" expectations use it'),
  })
  .superRefine((step, ctx) => {
    const kinds = stepKinds.filter((k) => step[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `a step has exactly one of ${stepKinds.join(', ')} (found ${kinds.join(', ') || 'none'})`,
      });
      return;
    }
    const allowed: Record<(typeof stepKinds)[number], string[]> = {
      wait: ['timeout'],
      fault: ['as'],
      revert: [],
      hold: [],
      flap: ['count', 'period', 'down'],
      mark: [],
    };
    const extra = ['timeout', 'as', 'count', 'period', 'down'].filter(
      (k) => step[k as keyof typeof step] !== undefined && !allowed[kinds[0]!].includes(k),
    );
    if (extra.length) ctx.addIssue({ code: 'custom', message: `"${extra[0]}" does not go with a ${kinds[0]} step` });
    if (kinds[0] === 'flap' && (step.count === undefined || step.period === undefined || step.down === undefined))
      ctx.addIssue({ code: 'custom', message: 'a flap step needs count, period and down' });
  });

/**
 * before: until the first fault; during: first fault to last revert; after: from the last revert;
 * restored: from the end of the last `wait: restored` step (the optimized path is back); all: the whole run.
 */
export const phases = ['before', 'during', 'after', 'restored', 'all'] as const;
const bound = z.strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() });

const lossSchema = z.strictObject({
  flows: z
    .strictObject({ from: name.optional(), to: name.optional() })
    .optional()
    .describe('which flows (default: all)'),
  phase: z.enum(phases).default('all'),
  'max-loss': duration.optional().describe('RFC 7747 loss-derived convergence time, per flow'),
  'max-outage': duration.optional().describe('longest single outage, per flow'),
  zero: z.literal(true).optional().describe('no packet lost'),
});

const stateSchema = z.strictObject({
  at: name.describe('a mark step'),
  node: name,
  session: z.string().optional().describe('an interconnect ("ams/ic1"), or a neighbor address'),
  bgp: z.enum(['established', 'down']).optional(),
  bfd: z.enum(['up', 'down']).optional(),
  routes: bound.optional().describe('prefixes received on the session'),
  lag: z.string().optional().describe('an interconnect ("ams/ic1")'),
  'members-active': z.number().int().min(0).optional(),
  accepted: z.array(z.string()).optional().describe("peer prefixes that must be in the node's BGP table (E-POLICY)"),
  rejected: z.array(z.string()).optional().describe("peer prefixes that must not be in the node's BGP table"),
});

const pathSchema = z.strictObject({
  phase: z.enum(['before', 'during', 'after', 'restored']).optional(),
  at: name.optional().describe('a mark step: the traffic of the "window" before it, once a failure has settled'),
  window: duration.optional().describe('with "at": how far back from the mark (default 1s)'),
  via: z.string().optional().describe('an interconnect ("ams/ic2"), a metro ("metro:fra") or "transit"'),
  'not-via': z.string().optional(),
  'active-active': name.optional().describe('a metro: each of its interconnects carries traffic'),
});

const restoreSchema = z.strictObject({
  within: duration.optional().describe('from the last revert until sessions, BFD and LAGs are back'),
  'max-second-outage': duration.optional().describe('longest outage of any flow after the revert'),
});

export const eventKinds = ['bgp-drop', 'bfd-down', 'member-down', 'lag-down'] as const;
const countSchema = z.strictObject({
  event: z.enum(eventKinds),
  node: name.optional(),
  ...bound.shape,
});

export const expectationKinds = ['loss', 'state', 'path', 'restore', 'count'] as const;

const expectationSchema = z
  .strictObject({
    id: name.optional().describe('names the expectation in reports (default: its kind and position)'),
    covers: z.array(specId).optional(),
    loss: lossSchema.optional(),
    state: stateSchema.optional(),
    path: pathSchema.optional(),
    restore: restoreSchema.optional(),
    count: countSchema.optional(),
  })
  .superRefine((e, ctx) => {
    const kinds = expectationKinds.filter((k) => e[k] !== undefined);
    if (kinds.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `an expectation has exactly one of ${expectationKinds.join(', ')} (found ${kinds.join(', ') || 'none'})`,
      });
  });

export const scenarioSchema = z.strictObject({
  name: name.optional().describe('default: the file name'),
  description: z.string().optional(),
  topology: z.string().describe('a topology file, relative to the scenario file'),
  covers: z.array(specId).min(1).describe('the spec IDs (E-*, R-*, T-*) this scenario verifies'),
  probe: z
    .strictObject({
      rate: z
        .number()
        .int()
        .min(10)
        .max(20000)
        .optional()
        .describe('packets/s per flow (default 1000; 500 on OVS LAGs)'),
      'flows-per-pair': z.number().int().min(1).max(16).optional(),
      hosts: z.array(name).optional(),
    })
    .optional(),
  steps: z.array(stepSchema).min(1),
  expect: z.array(expectationSchema).min(1),
});

export type ScenarioFile = z.output<typeof scenarioSchema>;
export type StepFile = ScenarioFile['steps'][number];
export type ExpectationFile = ScenarioFile['expect'][number];
