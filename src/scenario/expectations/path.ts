import { z } from 'zod';
import { packetsWithin } from '../../observe/counters.js';
import type { Timeline } from '../../observe/timeline.js';
import type { PathTarget } from '../step.js';
import { duration, durationMs, name, type Phase } from '../values.js';
import type { ExpectationKind } from './types.js';

const schema = z.strictObject({
  phase: z.enum(['before', 'during', 'after', 'restored']).optional(),
  at: name.optional().describe('a mark step: the traffic of the "window" before it, once a failure has settled'),
  window: duration.optional().describe('with "at": how far back from the mark (default 1s)'),
  via: z.string().optional().describe('an interconnect ("ams/ic2"), a metro ("metro:fra") or "transit"'),
  'not-via': z.string().optional(),
  'active-active': name.optional().describe('a metro: each of its interconnects carries traffic'),
});

export interface PathBody {
  /** A phase, or the `ms` before a mark. */
  window: { phase: Exclude<Phase, 'all'> } | { mark: string; ms: number };
  via?: PathTarget;
  notVia?: PathTarget;
  activeActive?: { metro: string; interconnects: PathTarget[] };
}

/** A path carries a flow group when it saw this share of the probe packets sent in the window. */
export const viaShare = 0.1;
/** Control traffic (BFD, BGP keepalives) a path carries without user traffic: packets per second. */
const controlPps = 20;

/** Which way traffic went, from the packet counters of the interfaces on a path (interconnect, metro, transit). */
export const path: ExpectationKind<'path', typeof schema, PathBody> = {
  kind: 'path',
  schema,
  probeBased: true,
  bind(p, at, ctx) {
    if (!p.via && !p['not-via'] && !p['active-active'])
      ctx.fail('a path expectation needs via, not-via or active-active', at);
    if ((p.phase === undefined) === (p.at === undefined))
      ctx.fail('a path expectation needs phase or at, not both', at);
    if (p.at) ctx.markNamed(p.at, [...at, 'at']);
    if (p.window !== undefined && !p.at) ctx.fail('window goes with at', [...at, 'window']);
    const metro = p['active-active'];
    const interconnects = ctx.model.interconnects.filter((ic) => ic.metro === metro);
    if (metro && interconnects.length < 2)
      ctx.fail(`active-active needs a metro with two or more interconnects; metros: ${ctx.metros()}`, [
        ...at,
        'active-active',
      ]);
    return {
      window: p.at ? { mark: p.at, ms: durationMs(p.window ?? 1) } : { phase: p.phase! },
      ...(p.via ? { via: ctx.pathTarget(p.via, [...at, 'via']) } : {}),
      ...(p['not-via'] ? { notVia: ctx.pathTarget(p['not-via'], [...at, 'not-via']) } : {}),
      ...(metro
        ? { activeActive: { metro, interconnects: interconnects.map((ic) => ctx.pathTarget(ic.id, at)) } }
        : {}),
    };
  },
  judge(e, r) {
    const mark = 'mark' in e.window ? r.marks.find((m) => m.name === (e.window as { mark: string }).mark) : undefined;
    const when = 'mark' in e.window ? `${e.window.ms} ms before mark ${e.window.mark}` : e.window.phase;
    const window =
      'mark' in e.window ? mark && { fromMs: mark.atMs - e.window.ms, toMs: mark.atMs } : r.phases[e.window.phase];
    if (!window)
      return {
        pass: false,
        expected: `path ${when}`,
        measured: `the run never reached it${r.error ? `: ${r.error}` : ''}`,
        details: [],
      };
    const seconds = (window.toMs - window.fromMs) / 1000;
    const sent = r.flows.length * r.rate * seconds;
    // Each part is judged on the ports that were read; a part whose verdict an unread port could change is unknown.
    const unread: string[] = [];
    const through = (p: PathTarget) => {
      const counts = p.ports.map((port) => ({ port, n: portTraffic(r.timeline, port, window) }));
      const missing = counts.filter((c) => c.n === undefined).map((c) => portName(c.port));
      return { n: counts.reduce((s, c) => s + (c.n ?? 0), 0), missing };
    };
    const share = (n: number) =>
      `${n} packets (${((100 * n) / Math.max(1, sent)).toFixed(0)}% of ${Math.round(sent)} probe packets)`;
    const want: string[] = [];
    const got: string[] = [];
    let pass = true;
    const part = (ok: boolean, missing: string[], couldChange: boolean) => {
      if (missing.length && couldChange) unread.push(...missing);
      else pass &&= ok;
    };
    if (e.via) {
      const { n, missing } = through(e.via);
      want.push(`via ${e.via.label} (>= ${viaShare * 100}% of probe packets)`);
      got.push(`${e.via.label}: ${share(n)}`);
      part(n >= viaShare * sent, missing, n < viaShare * sent);
    }
    if (e.notVia) {
      const { n, missing } = through(e.notVia);
      const allowance = 0.01 * sent + controlPps * seconds * e.notVia.ports.length;
      want.push(`not via ${e.notVia.label} (<= ${Math.round(allowance)} packets: 1% plus control traffic)`);
      got.push(`${e.notVia.label}: ${share(n)}`);
      part(n <= allowance, missing, n <= allowance);
    }
    if (e.activeActive) {
      const each = e.activeActive.interconnects.map((p) => ({ label: p.label, ...through(p) }));
      const total = each.reduce((s, x) => s + x.n, 0);
      want.push(`every interconnect of ${e.activeActive.metro} carries >= ${viaShare * 100}% of the metro's traffic`);
      got.push(each.map((x) => `${x.label}: ${x.n} packets`).join(', '));
      const missing = each.flatMap((x) => x.missing);
      part(total >= viaShare * sent && each.every((x) => x.n >= viaShare * total), missing, true);
    }
    if (pass && unread.length)
      return {
        pass: false,
        inconclusive: `no packet counters of ${unread.join('; ')} were read over half of the window (the timeline's samples too far apart, or the router not readable): where that traffic went is not known`,
        expected: `${when}: ${want.join('; ')}`,
        measured: got.join('; '),
        details: [],
      };
    return { pass, expected: `${when}: ${want.join('; ')}`, measured: got.join('; '), details: [] };
  },
};

/**
 * Packets through a port in a window, from the counter samples taken inside it (this end's, or the link's far
 * end's when they cover more of it), scaled up to the whole window; undefined when neither end was read over
 * half of it.
 */
function portTraffic(
  timeline: Timeline,
  port: PathTarget['ports'][number],
  window: { fromMs: number; toMs: number },
): number | undefined {
  const spanMs = window.toMs - window.fromMs;
  const best = [port, ...(port.far ? [port.far] : [])]
    .map((end) => packetsWithin(timeline, end.node, end.iface, window.fromMs, window.toMs))
    .reduce((a, b) => (b && (!a || b.spanMs > a.spanMs) ? b : a), undefined);
  if (!best || best.spanMs === 0 || best.spanMs < spanMs / 2) return undefined;
  return Math.round((best.growth * spanMs) / best.spanMs);
}

const portName = (port: PathTarget['ports'][number]) =>
  `${port.node} ${port.iface}${port.far ? ` or its far end on ${port.far.node}` : ''}`;
