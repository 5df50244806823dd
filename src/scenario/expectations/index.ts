import { z } from 'zod';
import type { SourcePosition } from '../../errors.js';
import type { ScenarioRecord } from '../record.js';
import { count } from './count.js';
import { detect } from './detect.js';
import { loss } from './loss.js';
import { path } from './path.js';
import { readvertise } from './readvertise.js';
import { restore } from './restore.js';
import { state } from './state.js';
import type { BindContext, ExpectationKind, ExpectationResult } from './types.js';

/** Every expectation kind, by the key a scenario file uses. Adding one: its file and a line here. */
const kinds = { loss, state, path, restore, count, readvertise, detect };

type Kinds = typeof kinds;
type KindName = keyof Kinds;
type BodyOf<K extends KindName> = Kinds[K] extends ExpectationKind<K, z.ZodType, infer B> ? B : never;

export const expectationKinds = Object.keys(kinds) as KindName[];

/** A bound expectation: its kind's fields, plus how reports name it. */
export type ExpectationBody = { [K in KindName]: { kind: K } & BodyOf<K> }[KindName];
export type Expectation = ExpectationBody & { id: string; covers: string[]; position: SourcePosition };

const specId = z.string().regex(/^[RTE]-[A-Z0-9-]+$/, 'must be a spec ID such as "E-SILENT" or "R-BFD"');

export const expectationSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, 'must start with a lowercase letter and use only a-z, 0-9 and "-"')
      .optional()
      .describe('names the expectation in reports (default: its kind and position)'),
    covers: z.array(specId).optional(),
    ...(Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, v.schema.optional()])) as {
      [K in KindName]: z.ZodOptional<Kinds[K]['schema']>;
    }),
  })
  .superRefine((e, ctx) => {
    const found = expectationKinds.filter((k) => e[k] !== undefined);
    if (found.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `an expectation has exactly one of ${expectationKinds.join(', ')} (found ${found.join(', ') || 'none'})`,
      });
  });

export type ExpectationFile = z.output<typeof expectationSchema>;

/** Bind the one kind an expectation file names; `at` is its path in the scenario file. */
export function bindExpectation(file: ExpectationFile, at: PropertyKey[], ctx: BindContext): ExpectationBody {
  const name = expectationKinds.find((k) => file[k] !== undefined)!;
  const kind = kinds[name] as unknown as ExpectationKind<KindName, z.ZodType, unknown>;
  return { kind: name, ...(kind.bind(file[name], [...at, name], ctx) as object) } as ExpectationBody;
}

/**
 * Judge every expectation on what the run measured. Nothing here touches the lab. A failure the lab's
 * own limits can explain is inconclusive, never a FAIL: the kind says so itself (an instrument too slow
 * for its bound), or it is judged on probe traffic and the run's baseline already lost or queued packets,
 * or a daemon said the routers' own reaction came late (another expectation's `lateReaction`).
 */
export function judgeScenario(expect: Expectation[], record: ScenarioRecord): ExpectationResult[] {
  const kindOf = (e: Expectation) => kinds[e.kind] as unknown as ExpectationKind<KindName, z.ZodType, unknown>;
  const all = expect.map((e) => ({ e, kind: kindOf(e), judged: kindOf(e).judge(e, record) }));
  const late = all.find((x) => x.judged.lateReaction);
  return all.map(({ e, kind, judged }) => {
    const slow =
      !judged.pass && !judged.inconclusive && kind.probeBased && late
        ? `the routers reacted late on this host, and the traffic with them (${late.e.id}: ${late.judged.lateReaction})`
        : undefined;
    const unfit =
      !judged.pass && !judged.inconclusive && kind.probeBased && record.unfit?.length
        ? `the lab's own baseline could not carry the probe: ${record.unfit.join('; ')}`
        : undefined;
    const saturated =
      !judged.pass && !judged.inconclusive && kind.timingBased && record.saturated
        ? `the lab itself was saturated during the faults (${record.saturated}): the control plane's timing there is the host's, not the routers'`
        : undefined;
    const inconclusive = judged.pass ? undefined : (judged.inconclusive ?? unfit ?? saturated ?? slow);
    const verdict = judged.pass ? 'pass' : inconclusive ? 'inconclusive' : 'fail';
    return {
      id: e.id,
      kind: e.kind,
      covers: e.covers,
      verdict,
      pass: judged.pass,
      expected: judged.expected,
      measured: judged.measured,
      details: judged.details,
      ...(inconclusive ? { inconclusive } : {}),
    };
  });
}

export type { ExpectationResult, VerdictStatus } from './types.js';
export { eventKinds, type EventKind } from './count.js';
