import { z } from 'zod';
import { duration, durationMs } from '../values.js';
import { flowName, ms, type ExpectationKind } from './types.js';

const schema = z.strictObject({
  within: duration.optional().describe('from the last revert until sessions, BFD and LAGs are back'),
  'max-second-outage': duration.optional().describe('longest outage of any flow after the revert'),
});

export interface RestoreBody {
  withinMs?: number;
  maxSecondOutageMs?: number;
}

/** E-RESTORE: the lab converges again within a bound after the revert, with no second outage. */
export const restore: ExpectationKind<'restore', typeof schema, RestoreBody> = {
  kind: 'restore',
  schema,
  probeBased: true,
  bind(r, path, ctx) {
    if (r.within === undefined && r['max-second-outage'] === undefined)
      ctx.fail('a restore expectation needs within or max-second-outage', path);
    if (r.within !== undefined && !ctx.steps.some((s) => s.kind === 'wait' && s.until === 'restored'))
      ctx.fail('restore.within is measured by a "wait: restored" step, and the scenario has none', [...path, 'within']);
    return {
      ...(r.within !== undefined ? { withinMs: durationMs(r.within) } : {}),
      ...(r['max-second-outage'] !== undefined ? { maxSecondOutageMs: durationMs(r['max-second-outage']) } : {}),
    };
  },
  judge(e, r) {
    const want: string[] = [];
    const got: string[] = [];
    let pass = true;
    if (e.withinMs !== undefined) {
      want.push(`converged again <= ${ms(e.withinMs)} after the revert`);
      got.push(r.restoreMs === undefined ? 'never converged again' : `converged after ${ms(r.restoreMs)}`);
      pass &&= r.restoreMs !== undefined && r.restoreMs <= e.withinMs;
    }
    const details: string[] = [];
    if (e.maxSecondOutageMs !== undefined) {
      const after = r.phases.after;
      const outages = after
        ? r.flows.flatMap((f) =>
            f.outages.filter((o) => o.startMs >= after.fromMs).map((o) => ({ flow: flowName(f), ms: o.durationMs })),
          )
        : [];
      const longest = Math.max(0, ...outages.map((o) => o.ms));
      want.push(`no outage after the revert longer than ${ms(e.maxSecondOutageMs)}`);
      got.push(after ? `longest outage after the revert ${ms(longest)}` : 'no after phase');
      details.push(...outages.map((o) => `${o.flow}: outage of ${ms(o.ms)} after the revert`));
      pass &&= after !== undefined && longest <= e.maxSecondOutageMs;
    }
    return { pass, expected: want.join('; '), measured: got.join('; '), details };
  },
};
