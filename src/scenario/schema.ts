import { z } from 'zod';
import { faultKinds, faultOptions } from '../faults/kinds/index.js';
import { expectationSchema } from './expectations/index.js';
import { duration, name } from './values.js';

/** What a scenario file says. The loader binds it to its topology (scenario/load.ts). */

const specId = z.string().regex(/^[RTE]-[A-Z0-9-]+$/, 'must be a spec ID such as "E-SILENT" or "R-BFD"');

/** The options of every fault kind, each saying which kinds take it; the loader checks them against the kind. */
const faultOptionShape = Object.fromEntries(
  faultOptions().map((o) => [o.key, o.schema.optional().describe(`${o.kinds.join(', ')}: ${o.description}`)]),
);

export const faultSchema = z.union([
  z.string().describe('"<kind> <target>", such as "link-blackhole ams/ic1"'),
  z.strictObject({ kind: z.enum(faultKinds), target: z.string(), ...faultOptionShape }),
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

export const scenarioSchema = z.strictObject({
  name: name.optional().describe('default: the file name'),
  description: z.string().optional(),
  topology: z.string().describe('a topology file, relative to the scenario file'),
  covers: z.array(specId).min(1).describe('the spec IDs (E-*, R-*, T-*) this scenario verifies'),
  probe: z
    .strictObject({
      rate: z.number().int().min(10).max(20000).optional().describe('packets/s per flow (default 1000)'),
      'flows-per-pair': z.number().int().min(1).max(16).optional(),
      hosts: z.array(name).optional(),
    })
    .optional(),
  steps: z.array(stepSchema).min(1),
  expect: z.array(expectationSchema).min(1),
});

export type ScenarioFile = z.output<typeof scenarioSchema>;
export type StepFile = ScenarioFile['steps'][number];
