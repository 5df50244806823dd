import { z } from 'zod';
import { countedFrom, deadFromStart } from '../baseline.js';
import { duration, durationMs, name, phases, type Phase } from '../values.js';
import { flowName, ms, resolutionSlackMs, type ExpectationKind } from './types.js';

const schema = z.strictObject({
  flows: z
    .strictObject({ from: name.optional(), to: name.optional() })
    .optional()
    .describe('which flows (default: all)'),
  phase: z.enum(phases).default('all'),
  'max-loss': duration.optional().describe('RFC 7747 loss-derived convergence time, per flow'),
  'max-outage': duration.optional().describe('longest single outage, per flow'),
  zero: z.literal(true).optional().describe('no packet lost'),
});

export interface LossBody {
  flows: { from?: string; to?: string };
  phase: Phase;
  maxLossMs?: number;
  maxOutageMs?: number;
  zero?: boolean;
}

/** Packets lost per flow in a phase: RFC 7747 loss-derived time, the longest outage, or none at all. */
export const loss: ExpectationKind<'loss', typeof schema, LossBody> = {
  kind: 'loss',
  schema,
  probeBased: true,
  bind(l, path, ctx) {
    for (const end of ['from', 'to'] as const) {
      const host = l.flows?.[end];
      if (host) ctx.host(host, [...path, 'flows', end]);
    }
    if (l['max-loss'] === undefined && l['max-outage'] === undefined && !l.zero)
      ctx.fail('a loss expectation needs max-loss, max-outage or zero', path);
    return {
      flows: { ...(l.flows?.from ? { from: l.flows.from } : {}), ...(l.flows?.to ? { to: l.flows.to } : {}) },
      phase: l.phase,
      ...(l['max-loss'] !== undefined ? { maxLossMs: durationMs(l['max-loss']) } : {}),
      ...(l['max-outage'] !== undefined ? { maxOutageMs: durationMs(l['max-outage']) } : {}),
      ...(l.zero ? { zero: true } : {}),
    };
  },
  judge(e, r) {
    const window = e.phase === 'all' ? { fromMs: -Infinity, toMs: Infinity } : r.phases[e.phase];
    const expected = [
      e.maxLossMs !== undefined ? `loss-derived <= ${ms(e.maxLossMs)}` : '',
      e.maxOutageMs !== undefined ? `longest outage <= ${ms(e.maxOutageMs)}` : '',
      e.zero ? 'no packet lost' : '',
    ]
      .filter(Boolean)
      .join(', ');
    const flows = r.flows.filter(
      (f) =>
        (!e.flows.from || f.plan.from === e.flows.from) &&
        (!e.flows.to || f.plan.to === e.flows.to) &&
        !deadFromStart(f, countedFrom(r)),
    );
    const scope = `${e.phase === 'all' ? 'whole run' : e.phase}, ${flows.length} flows`;
    if (!window)
      return {
        pass: false,
        expected: `${expected} (${scope})`,
        measured: `the run has no ${e.phase} phase`,
        details: [],
      };
    const figures = flows.map((f) => {
      const outages = f.outages.filter((o) => o.startMs >= window.fromMs && o.startMs < window.toMs);
      const lost = e.phase === 'all' ? f.lost : outages.reduce((s, o) => s + o.lost, 0);
      const lossMs = (lost / f.rate) * 1000;
      const outageMs = Math.max(0, ...outages.map((o) => o.durationMs));
      const within = (slack: number) =>
        (e.maxLossMs === undefined || lossMs - slack <= e.maxLossMs) &&
        (e.maxOutageMs === undefined || outageMs - slack <= e.maxOutageMs) &&
        (!e.zero || lost === 0);
      // Loss is counted in whole packets: one probe interval over the bound is within the probe's resolution.
      return { f, lost, lossMs, outageMs, ok: within(0), unsure: !within(0) && within(resolutionSlackMs(f.rate)) };
    });
    const failing = figures.filter((x) => !x.ok);
    const unsure = failing.length > 0 && failing.every((x) => x.unsure);
    const worst = [...figures].sort((a, b) => b.lossMs - a.lossMs || b.outageMs - a.outageMs)[0];
    return {
      pass: flows.length > 0 && figures.every((x) => x.ok),
      ...(unsure
        ? {
            inconclusive: `over the bound by no more than one probe interval (${ms(1000 / failing[0]!.f.rate)} at ${failing[0]!.f.rate} pps per flow): within the probe's resolution`,
          }
        : {}),
      expected: `${expected} (${scope})`,
      measured: worst
        ? `worst ${flowName(worst.f)}: ${worst.lost} lost, loss-derived ${ms(worst.lossMs)}, longest outage ${ms(worst.outageMs)}`
        : 'no flow matched',
      details: figures.map(
        (x) =>
          `${x.ok ? 'ok  ' : x.unsure ? '~   ' : 'FAIL'} ${flowName(x.f)}: ${x.lost} lost (${ms(x.lossMs)}), longest outage ${ms(x.outageMs)}`,
      ),
    };
  },
};
