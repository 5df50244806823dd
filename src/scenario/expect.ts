import { packetsThrough } from '../observe/counters.js';
import type { TimelineEvent } from '../observe/timeline.js';
import type { Expectation, ExpectationBody, PathTarget } from './model.js';
import type { ScenarioRecord } from './run.js';

export interface ExpectationResult {
  id: string;
  kind: Expectation['kind'];
  covers: string[];
  pass: boolean;
  /** The bound, as a person reads it. */
  expected: string;
  /** What was measured against it. */
  measured: string;
  /** Per flow, router or path figures behind `measured`. */
  details: string[];
}

/** A path carries a flow group when it saw this share of the probe packets sent in the window. */
export const viaShare = 0.1;
/** Control traffic (BFD, BGP keepalives) a path carries without user traffic: packets per second. */
const controlPps = 20;

/** Judge every expectation on what the run measured. Nothing here touches the lab. */
export function judgeScenario(expect: Expectation[], record: ScenarioRecord): ExpectationResult[] {
  return expect.map((e) => {
    const verdict = judge(e, record);
    return { id: e.id, kind: e.kind, covers: e.covers, ...verdict };
  });
}

type Verdict = Omit<ExpectationResult, 'id' | 'kind' | 'covers'>;

function judge(e: ExpectationBody, r: ScenarioRecord): Verdict {
  switch (e.kind) {
    case 'loss':
      return judgeLoss(e, r);
    case 'state':
      return judgeState(e, r);
    case 'path':
      return judgePath(e, r);
    case 'restore':
      return judgeRestore(e, r);
    case 'count':
      return judgeCount(e, r);
  }
}

/** How long a flow must deliver nothing, from its first counted packet, to be a broken baseline. */
const deadBaselineMs = 2000;

/**
 * A flow that delivered nothing from its first counted packet on measured the lab, not a fault: the
 * path it hashed to never carried it. Loss bounds leave it out and the report warns about it.
 */
export function deadFromStart(f: ScenarioRecord['flows'][number], countedFromMs: number): boolean {
  const first = f.outages[0];
  return (
    first !== undefined && first.startMs <= countedFromMs + 1000 / f.rate + 1 && first.durationMs >= deadBaselineMs
  );
}

/** When flows start to count (after the warm-up): the start of the first phase. */
export const countedFrom = (r: ScenarioRecord) => r.phases.before?.fromMs ?? r.startedAt;

const ms = (n: number) => `${Math.round(n)} ms`;
const flowName = (f: ScenarioRecord['flows'][number]) => `${f.plan.from}->${f.plan.to}:${f.plan.srcPort}`;

function judgeLoss(e: Extract<ExpectationBody, { kind: 'loss' }>, r: ScenarioRecord): Verdict {
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
    const ok =
      (e.maxLossMs === undefined || lossMs <= e.maxLossMs) &&
      (e.maxOutageMs === undefined || outageMs <= e.maxOutageMs) &&
      (!e.zero || lost === 0);
    return { f, lost, lossMs, outageMs, ok };
  });
  const worst = [...figures].sort((a, b) => b.lossMs - a.lossMs || b.outageMs - a.outageMs)[0];
  return {
    pass: flows.length > 0 && figures.every((x) => x.ok),
    expected: `${expected} (${scope})`,
    measured: worst
      ? `worst ${flowName(worst.f)}: ${worst.lost} lost, loss-derived ${ms(worst.lossMs)}, longest outage ${ms(worst.outageMs)}`
      : 'no flow matched',
    details: figures.map(
      (x) =>
        `${x.ok ? 'ok  ' : 'FAIL'} ${flowName(x.f)}: ${x.lost} lost (${ms(x.lossMs)}), longest outage ${ms(x.outageMs)}`,
    ),
  };
}

function judgeState(e: Extract<ExpectationBody, { kind: 'state' }>, r: ScenarioRecord): Verdict {
  const want: string[] = [];
  const got: string[] = [];
  let pass = true;
  const check = (what: string, expected: string, measured: string, ok: boolean) => {
    want.push(`${what} ${expected}`);
    got.push(`${what} ${measured}`);
    pass &&= ok;
  };
  const reached = r.marks.find((m) => m.name === e.at);
  const snap = reached?.snapshots[e.node] ?? { node: e.node, bgp: [], bfd: [], lags: [] };
  const where = `${e.node} at ${e.at}`;
  if (!reached)
    return {
      pass: false,
      expected: where,
      measured: `mark "${e.at}" was not reached${r.error ? `: ${r.error}` : ''}`,
      details: [],
    };
  if (e.session) {
    const bgp = snap.bgp.find((b) => b.peer === e.session!.address);
    const label = `session ${e.session.label}`;
    if (e.bgp)
      check(
        `${label} BGP`,
        e.bgp,
        bgp?.state ?? 'absent',
        (bgp?.state === 'Established') === (e.bgp === 'established'),
      );
    if (e.bfd) {
      const bfd = snap.bfd.find((b) => b.peer === e.session!.address);
      check(`${label} BFD`, e.bfd, bfd?.state ?? 'absent', (bfd?.state === 'up') === (e.bfd === 'up'));
    }
    if (e.routes) {
      const n = bgp?.state === 'Established' ? bgp.received : 0;
      check(
        `${label} routes`,
        [e.routes.min !== undefined ? `>= ${e.routes.min}` : '', e.routes.max !== undefined ? `<= ${e.routes.max}` : '']
          .filter(Boolean)
          .join(' and '),
        String(n),
        (e.routes.min === undefined || n >= e.routes.min) && (e.routes.max === undefined || n <= e.routes.max),
      );
    }
  }
  if (e.lag) {
    const lag = snap.lags.find((l) => l.name === e.lag!.iface);
    const active = lag?.negotiated ? lag.members.filter((m) => m.enabled).length : 0;
    if (e.membersActive !== undefined)
      check(`LAG ${e.lag.label} members active`, String(e.membersActive), String(active), active === e.membersActive);
  }
  const table = new Set(reached.prefixes[e.node] ?? []);
  for (const prefix of e.accepted ?? [])
    check(prefix, 'accepted', table.has(prefix) ? 'accepted' : 'absent', table.has(prefix));
  // Rejected means it arrived and was not accepted: a prefix the peer never sent proves nothing.
  const received = new Set(reached.received[e.node] ?? []);
  for (const { prefix, rules } of e.rejected ?? []) {
    const measured = table.has(prefix)
      ? 'ACCEPTED'
      : received.has(prefix)
        ? 'received, not accepted'
        : 'never received';
    check(
      prefix,
      `rejected (breaks ${rules.join(', ') || 'no rule'})`,
      measured,
      measured === 'received, not accepted',
    );
  }
  return { pass, expected: `${where}: ${want.join(', ')}`, measured: got.join(', '), details: [] };
}

function judgePath(e: Extract<ExpectationBody, { kind: 'path' }>, r: ScenarioRecord): Verdict {
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
  const through = (p: PathTarget) =>
    p.ports.reduce((s, port) => s + packetsThrough(r.timeline, port.node, port.iface, window.fromMs, window.toMs), 0);
  const share = (n: number) =>
    `${n} packets (${((100 * n) / Math.max(1, sent)).toFixed(0)}% of ${Math.round(sent)} probe packets)`;
  const want: string[] = [];
  const got: string[] = [];
  let pass = true;
  if (e.via) {
    const n = through(e.via);
    want.push(`via ${e.via.label} (>= ${viaShare * 100}% of probe packets)`);
    got.push(`${e.via.label}: ${share(n)}`);
    pass &&= n >= viaShare * sent;
  }
  if (e.notVia) {
    const n = through(e.notVia);
    const allowance = 0.01 * sent + controlPps * seconds * e.notVia.ports.length;
    want.push(`not via ${e.notVia.label} (<= ${Math.round(allowance)} packets: 1% plus control traffic)`);
    got.push(`${e.notVia.label}: ${share(n)}`);
    pass &&= n <= allowance;
  }
  if (e.activeActive) {
    const each = e.activeActive.interconnects.map((p) => ({ label: p.label, n: through(p) }));
    const total = each.reduce((s, x) => s + x.n, 0);
    want.push(`every interconnect of ${e.activeActive.metro} carries >= ${viaShare * 100}% of the metro's traffic`);
    got.push(each.map((x) => `${x.label}: ${x.n} packets`).join(', '));
    pass &&= total >= viaShare * sent && each.every((x) => x.n >= viaShare * total);
  }
  return { pass, expected: `${when}: ${want.join('; ')}`, measured: got.join('; '), details: [] };
}

function judgeRestore(e: Extract<ExpectationBody, { kind: 'restore' }>, r: ScenarioRecord): Verdict {
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
}

const eventMatches: Record<Extract<ExpectationBody, { kind: 'count' }>['event'], (e: TimelineEvent) => boolean> = {
  'bgp-drop': (e) => e.kind === 'bgp' && e.from === 'Established',
  'bfd-down': (e) => e.kind === 'bfd' && e.from === 'up',
  'member-down': (e) => e.kind === 'member' && e.to === 'disabled',
  'lag-down': (e) => e.kind === 'lacp' && e.to === 'not negotiated',
};

function judgeCount(e: Extract<ExpectationBody, { kind: 'count' }>, r: ScenarioRecord): Verdict {
  const events = r.timeline.events.filter((x) => eventMatches[e.event](x) && (!e.node || x.node === e.node));
  const n = events.length;
  const bounds = [e.min !== undefined ? `>= ${e.min}` : '', e.max !== undefined ? `<= ${e.max}` : ''].filter(Boolean);
  return {
    pass: (e.min === undefined || n >= e.min) && (e.max === undefined || n <= e.max),
    expected: `${e.event} events${e.node ? ` on ${e.node}` : ' (each router counts its own)'} ${bounds.join(' and ')}`,
    measured: `${n}`,
    details: events.map((x) => `${x.node} ${x.kind} ${x.subject} ${x.from ?? ''} -> ${x.to}`),
  };
}
