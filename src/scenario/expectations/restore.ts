import { z } from 'zod';
import { duration, durationMs } from '../values.js';
import type { ScenarioRecord } from '../record.js';
import { flowName, ms, resolutionSlackMs, type ExpectationKind } from './types.js';

const schema = z.strictObject({
  within: duration.optional().describe('from the last revert until sessions, BFD and LAGs are back'),
  'max-second-outage': duration.optional().describe('longest outage of any flow after the revert'),
});

export interface RestoreBody {
  withinMs?: number;
  maxSecondOutageMs?: number;
}

/** A kernel taking this much longer than its daemon's sessions to have the routes back is the story of the restore. */
const kernelLagMs = 1000;

/**
 * Routers whose kernel had its routes back well after their BGP sessions had theirs (the last rise of each
 * after the last revert): a daemon can hold and advertise routes its kernel does not have, and traffic
 * sent there is lost (BIRD 3.1.8 until its next kernel scan).
 */
export function kernelLags(r: ScenarioRecord): string[] {
  const reverted = Math.max(...r.faults.map((f) => f.revertedAt ?? -Infinity));
  if (!Number.isFinite(reverted)) return [];
  const lastRise = (kind: 'routes' | 'fib', node: string) =>
    Math.max(
      ...r.timeline.events
        .filter((e) => e.kind === kind && e.node === node && e.atMs >= reverted && Number(e.to) > Number(e.from))
        .map((e) => e.atMs),
    );
  const nodes = [...new Set(r.timeline.events.filter((e) => e.kind === 'fib').map((e) => e.node))];
  return nodes.flatMap((node) => {
    const [routes, fib] = [lastRise('routes', node), lastRise('fib', node)];
    return Number.isFinite(routes) && Number.isFinite(fib) && fib - routes > kernelLagMs
      ? [`${node}'s kernel had its routes back ${ms(fib - routes)} after its BGP sessions had theirs`]
      : [];
  });
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
    let unsure: string | undefined;
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
            f.outages
              .filter((o) => o.startMs >= after.fromMs)
              .map((o) => ({ flow: flowName(f), ms: o.durationMs, rate: f.rate })),
          )
        : [];
      const longest = Math.max(0, ...outages.map((o) => o.ms));
      // An outage is seen between probe packets: one probe interval over the bound is within the resolution.
      const over = outages.filter((o) => o.ms > e.maxSecondOutageMs!);
      if (over.length && over.every((o) => o.ms - resolutionSlackMs(o.rate) <= e.maxSecondOutageMs!))
        unsure = `the second outage is over the bound by no more than one probe interval (${ms(1000 / over[0]!.rate)}): within the probe's resolution`;
      want.push(`no outage after the revert longer than ${ms(e.maxSecondOutageMs)}`);
      got.push(after ? `longest outage after the revert ${ms(longest)}` : 'no after phase');
      details.push(...outages.map((o) => `${o.flow}: outage of ${ms(o.ms)} after the revert`));
      pass &&= after !== undefined && longest <= e.maxSecondOutageMs;
    }
    got.push(...kernelLags(r));
    // Inconclusive only when the outage alone failed it: a restore that never came is not a resolution question.
    const timely = e.withinMs === undefined || (r.restoreMs !== undefined && r.restoreMs <= e.withinMs);
    return {
      pass,
      ...(!pass && unsure && timely ? { inconclusive: unsure } : {}),
      expected: want.join('; '),
      measured: got.join('; '),
      details,
    };
  },
};
