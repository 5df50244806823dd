import { counterGrowth } from '../observe/counters.js';
import type { InterfaceCounters, TimelineEvent } from '../observe/timeline.js';
import type { Percentiles } from '../probe/analyze.js';
import { countedFrom, deadFromStart } from './baseline.js';
import type { LabCalibration } from './calibrate.js';
import type { ExpectationResult, VerdictStatus } from './expectations/index.js';
import type { ScenarioRecord } from './record.js';
import type { LabModel } from '../topology/model.js';
import { hostPart } from '../topology/addresses.js';

/** Version of run.json; bump when a field changes meaning. */
export const runSchema = 'peerlab-run/1';

/** Everything a run measured, and enough to render every report again (`peerlab report run.json`). */
export interface RunReport {
  schema: typeof runSchema;
  startedAt: string;
  finishedAt: string;
  runtime: string;
  lag: string;
  /** The run stopped early (Ctrl-C): what was measured until then. */
  interrupted: boolean;
  /** Why the run stopped before its scenarios were done (a lab that did not come up). */
  error?: string;
  labs: LabEntry[];
  scenarios: ScenarioReport[];
  /** `peerlab certify`: one row per R-* and E-*, judged from the lab and the partner's configs. */
  certification?: Certification;
  passed: boolean;
  /** pass: every scenario passed; fail: one failed (or the run stopped); inconclusive: none failed, not all could be measured. */
  verdict: VerdictStatus;
  /** Scenarios by verdict. */
  counts: Record<VerdictStatus, number>;
}

export interface LabEntry {
  topology: string;
  name: string;
  /** How long `up` took; 0 for a lab this run did not bring up (attached, or up before `peerlab fault`). */
  upMs: number;
  /** Accepted without converging (certify): what was not ready. */
  notConverged?: string;
  /** The lab's self-measurement (forwarding ceiling, carrier chain), made before its first scenario. */
  calibration?: LabCalibration;
}

export type CertStatus = 'pass' | 'fail' | 'warn' | 'n/a' | 'inconclusive';

/** The verdict on one requirement (R-*) or failure behaviour (E-*) of a certification. */
export interface CertRow {
  id: string;
  title: string;
  status: CertStatus;
  /** Where the verdict comes from: the edge's view, the running partner router, the configs, the scenarios. */
  sources: ('edge' | 'router' | 'static' | 'scenario')[];
  /** Each line starts with its source and status, e.g. "edge: fail: 203.0.113.0/26 from fra-pe1 ...". */
  evidence: string[];
  /** Static readings of the configs that what the lab showed contradicts: shown, never counted. */
  discrepancies?: string[];
}

export interface Certification {
  topology: string;
  type: string;
  /** The partner's own files the lab ran: router -> config (and packet filter). */
  partnerFiles: { router: string; daemon: string; version: string; config?: string; nftables?: string }[];
  /** Time from starting the daemons to a converged lab, or why it did not converge. */
  convergedMs: number | null;
  notConverged?: string;
  rows: CertRow[];
  /** The failure matrix certify ran: one cell per element and failure, with what was measured. */
  matrix?: { level: string; cells: MatrixCell[] };
  passed: boolean;
}

/** One row of the failure matrix, as run: its budget from the effective configuration and what the lab measured. */
export interface MatrixCell {
  id: string;
  element: string;
  elementKind: string;
  failure: string;
  covers: string;
  budget: { mechanism: string; detectMs: number; lossMs: number; why: string };
  partnerRouters: string[];
  /** The scenario that ran it (its attempts, timeline and expectations in `scenarios`). */
  scenario: string;
  verdict: VerdictStatus;
  /** The first sign of the failure at the edge: when (from the fault, between two samples), what, and why the daemon said. */
  detection?: { sinceMs: number; atMs: number; event: string; cause?: string };
  /** Over the attempts: the worst flow's loss-derived convergence and longest outage, and the slowest restore. */
  lossMs?: number;
  outageMs?: number;
  restoreMs?: number | null;
  /**
   * R-UTILIZATION after the failure: each interconnect's share of the probe traffic while it lasted, and
   * where the declared peaks (when the topology declares them) put it against the 40% line.
   */
  utilization?: { interconnect: string; sharePct: number; projectedPct?: number }[];
  /** Control-plane captures (BGP, BFD, LACP) of the edges and partner routers it concerns, beside the report. */
  captures?: CaptureRef[];
  /** Why the row has no measurement: the certification stopped before or during it. */
  notRun?: string;
  /** With --repeat: the worst flow's loss and the detection over the attempts. */
  repeated?: { attempts: number; loss: Spread; detection?: Spread };
}

/** A figure over repeated attempts (ms). */
export interface Spread {
  median: number;
  p95: number;
  max: number;
  /** max - min */
  spread: number;
}

export interface ScenarioReport {
  name: string;
  file: string;
  topology: string;
  description?: string;
  covers: string[];
  passed: boolean;
  /** The worst over the attempts: fail, then inconclusive, then pass. */
  verdict: VerdictStatus;
  attempts: Attempt[];
  /** The run stopped during this scenario (a tool or lab error, not a measurement): why. Its verdict is then inconclusive. */
  stopped?: string;
  /** Over the attempts (--repeat): min, median, p95 and max of each figure. */
  figures: { name: string; unit: string; min: number; median: number; p95: number; max: number; samples: number }[];
}

/** One run of a scenario. Times are ms from the start of its probe traffic. */
export interface Attempt {
  passed: boolean;
  verdict: VerdictStatus;
  error?: string;
  durationMs: number;
  rate: number;
  /** How the rate was chosen (from the lab's self-measurement). */
  rateNote?: string;
  /** Why the run's own baseline says the lab could not measure (probe packets lost or queued before the fault). */
  unfit?: string[];
  /** This attempt is a re-run, at a lower rate after the lab settled: the first run's rate and why it was not judged. */
  rerunOf?: { rate: number; reasons: string[] };
  results: ExpectationResult[];
  phases: Record<string, { fromMs: number; toMs: number } | null>;
  /** Each fault: when its application began (a router kill takes a while), was done, and was reverted. */
  faults: { name: string; applyingMs?: number; appliedMs: number; revertedMs: number | null }[];
  flows: {
    name: string;
    sent: number;
    lost: number;
    lossDerivedMs: number;
    longestOutageMs: number;
    duplicated: number;
    reordered: number;
    outages: { startMs: number; durationMs: number }[];
    rttMs: Record<string, Percentiles | null>;
  }[];
  events: (Omit<TimelineEvent, 'atMs' | 'sinceMs'> & { atMs: number; sinceMs: number })[];
  restoreMs: number | null;
  /** Per fault, one line: fault -> detection (mechanism, when) -> BGP withdrawal -> traffic restored per flow. */
  breakdown?: string[];
  interconnects: InterconnectFigures[];
  /** Why some figures may not be the network's alone (the lab queued probe packets). */
  warnings: string[];
  /** Control-plane captures of this attempt around its faults (pcap, relative to the report's folder). */
  captures?: CaptureRef[];
}

/** A control-plane capture kept beside the report: whose, where (relative to the report), its size and packets kept of those captured. */
export interface CaptureRef {
  node: string;
  file: string;
  bytes: number;
  packets?: { kept: number; captured: number };
}

/** Probe RTT above this means the lab itself queued packets (2-core hosts, userspace OVS). */
const queuedRttMs = 500;

/** What Microsoft's peering monitoring shows per interconnect, from the peer router's side. */
export interface InterconnectFigures {
  id: string;
  /** Packets per second through the peer router's LAG, one sample per second: [ms, in, out]. */
  rates: [number, number, number][];
  /** Share of the run the BGP session was Established (peer router's view). */
  availability: number;
  /** BGP session drops (Established left) on either end. */
  flaps: number;
  /** Packets the interfaces of the interconnect (LAG and members, both ends) dropped during the run. */
  drops: number;
  /** Prefixes the peer router had accepted from the edge at the end of the run. */
  routesReceived: number | null;
}

/** Turn one scenario record into its report entry: relative times, per-interconnect figures. */
export function toAttempt(record: ScenarioRecord, results: ExpectationResult[], model: LabModel): Attempt {
  const t0 = record.startedAt;
  const rel = (ms: number) => Math.round((ms - t0) * 10) / 10;
  const events = record.timeline.events.map((e) => ({ ...e, atMs: rel(e.atMs), sinceMs: rel(e.sinceMs) }));
  const verdict: VerdictStatus =
    record.error || results.some((r) => r.verdict === 'fail')
      ? 'fail'
      : results.some((r) => r.verdict === 'inconclusive')
        ? 'inconclusive'
        : 'pass';
  return {
    passed: verdict === 'pass',
    verdict,
    ...(record.error ? { error: record.error } : {}),
    durationMs: rel(record.stoppedAt),
    rate: record.rate,
    ...(record.unfit ? { unfit: record.unfit } : {}),
    results,
    phases: Object.fromEntries(
      Object.entries(record.phases).map(([k, w]) => [k, w ? { fromMs: rel(w.fromMs), toMs: rel(w.toMs) } : null]),
    ),
    faults: record.faults.map((f) => ({
      name: f.name,
      applyingMs: rel(f.applyingAt),
      appliedMs: rel(f.appliedAt),
      revertedMs: f.revertedAt === undefined ? null : rel(f.revertedAt),
    })),
    flows: record.flows.map((f) => ({
      name: `${f.plan.from}->${f.plan.to}:${f.plan.srcPort}`,
      sent: f.sent,
      lost: f.lost,
      lossDerivedMs: f.lossDerivedMs,
      longestOutageMs: f.longestOutageMs,
      duplicated: f.duplicated,
      reordered: f.reordered,
      outages: f.outages.map((o) => ({ startMs: rel(o.startMs), durationMs: o.durationMs })),
      rttMs: Object.fromEntries(f.latency.map((l) => [l.phase, l.rttMs ?? null])),
    })),
    events,
    restoreMs: record.restoreMs ?? null,
    breakdown: record.faults.map((f) => convergenceBreakdown(record, f)),
    interconnects: model.interconnects.map((ic) => interconnectFigures(model, record, ic, rel)),
    warnings: [...deadFlowWarnings(record), ...queueingWarnings(record)],
  };
}

const mechanisms: Partial<Record<TimelineEvent['kind'], string>> = {
  member: 'carrier/LACP',
  lacp: 'LACP',
  bfd: 'BFD',
  bgp: 'BGP',
};

/**
 * What saw a fault first among the events between `from` and `until`: a LAG member out, LACP lost, BFD
 * down, BGP leaving Established; in one sample, the lower layer is the cause (a member before BFD before
 * BGP). BFD "absent" is a session removed with its interface, not BFD's own detection.
 */
export function firstDetection<E extends Pick<TimelineEvent, 'kind' | 'from' | 'to' | 'atMs'>>(
  events: E[],
  from: number,
  until: number,
): E | undefined {
  const order: TimelineEvent['kind'][] = ['member', 'lacp', 'bfd', 'bgp'];
  return events
    .filter(
      (e) =>
        e.atMs >= from &&
        e.atMs <= until &&
        ((e.kind === 'member' && e.to === 'disabled') ||
          (e.kind === 'lacp' && e.to !== 'negotiated') ||
          (e.kind === 'bfd' && e.from === 'up' && e.to === 'down') ||
          (e.kind === 'bgp' && e.from === 'Established')),
    )
    .sort((a, b) => a.atMs - b.atMs || order.indexOf(a.kind) - order.indexOf(b.kind))[0];
}

/** The worst flow's figure in an attempt (0 without flows). */
export const worstFlow = (a: Pick<Attempt, 'flows'>, figure: 'lossDerivedMs' | 'longestOutageMs') =>
  Math.max(0, ...a.flows.map((f) => f[figure]));

/** How one fault converged, on one line: what detected it first, when BGP withdrew, when each hit flow recovered. */
export function convergenceBreakdown(record: ScenarioRecord, fault: ScenarioRecord['faults'][number]): string {
  const from = fault.applyingAt;
  const until = fault.revertedAt ?? record.stoppedAt;
  const after = record.timeline.events.filter((e) => e.atMs >= from && e.atMs <= until);
  const t = (at: number) => `${Math.round(at - from)} ms`;
  const detection = firstDetection(record.timeline.events, from, until);
  const withdrawal = after.find((e) => e.kind === 'bgp' && e.from === 'Established');
  const restored = record.flows.flatMap((f) =>
    f.outages
      .filter((o) => o.startMs >= from - 50 && o.startMs <= until)
      .slice(0, 1)
      .map((o) => `${f.plan.from}->${f.plan.to}:${f.plan.srcPort} ${t(o.startMs + o.durationMs)}`),
  );
  return [
    fault.name,
    detection
      ? `detected by ${mechanisms[detection.kind] ?? detection.kind} (${detection.node} ${detection.subject} ${detection.from ?? ''} -> ${detection.to}) at ${t(detection.atMs)}`
      : 'no detection seen',
    withdrawal
      ? `BGP withdrawn (${withdrawal.node} ${withdrawal.subject}) at ${t(withdrawal.atMs)}`
      : 'no BGP withdrawal',
    restored.length ? `traffic restored: ${restored.join(', ')}` : 'no flow lost traffic',
  ].join(' -> ');
}

function deadFlowWarnings(record: ScenarioRecord): string[] {
  const from = countedFrom(record);
  return record.flows
    .filter((f) => deadFromStart(f, from))
    .map(
      (f) =>
        `flow ${f.plan.from}->${f.plan.to}:${f.plan.srcPort} delivered nothing for its first ${Math.round(f.outages[0]!.durationMs)} ms, before any fault could explain it: the path it hashed to never carried it (a broken baseline, such as a stale ARP entry or a filter on one LAG member). Loss bounds leave it out`,
    );
}

function queueingWarnings(record: ScenarioRecord): string[] {
  const worst = new Map<string, number>();
  for (const f of record.flows)
    for (const l of f.latency)
      if (l.phase !== 'all' && l.rttMs && l.rttMs.p99 > (worst.get(l.phase) ?? queuedRttMs))
        worst.set(l.phase, l.rttMs.p99);
  return [...worst].map(
    ([phase, ms]) =>
      `probe RTT p99 reached ${Math.round(ms)} ms ${phase === 'before' ? 'before the fault' : `in the ${phase} phase`}: the lab queued packets, so loss there may be partly self-inflicted (lower the probe rate or the flow count)`,
  );
}

function interconnectFigures(
  model: LabModel,
  record: ScenarioRecord,
  ic: LabModel['interconnects'][number],
  rel: (ms: number) => number,
): InterconnectFigures {
  const samples = record.timeline.counters.filter((c) => c.node === ic.peerRouter && c.counters[ic.lag.interface]);
  const rates: [number, number, number][] = [];
  let last = samples[0];
  for (const s of samples) {
    if (!last || s.atMs - last.atMs < 1000) continue;
    const seconds = (s.atMs - last.atMs) / 1000;
    const rate = (count: (c: InterfaceCounters) => number) =>
      Math.round(counterGrowth(record.timeline, ic.peerRouter, ic.lag.interface, count, last!.atMs, s.atMs) / seconds);
    rates.push([rel(s.atMs), rate((c) => c.rx), rate((c) => c.tx)]);
    last = s;
  }
  const [edge, peer] = [ic.edgeAddress, ic.peerAddress].map(hostPart);
  const mine = record.timeline.events.filter(
    (e) =>
      e.kind === 'bgp' &&
      ((e.node === ic.peerRouter && e.subject === edge) || (e.node === ic.edgeRouter && e.subject === peer)),
  );
  const peerSide = mine.filter((e) => e.node === ic.peerRouter);
  // Established from the start unless the first change says otherwise; sum the time spent Established.
  let up = peerSide[0] ? peerSide[0].from === 'Established' : true;
  let since = record.timeline.startedAt;
  let upMs = 0;
  for (const e of peerSide) {
    if (up) upMs += e.atMs - since;
    up = e.to === 'Established';
    since = e.atMs;
  }
  if (up) upMs += record.timeline.stoppedAt - since;
  const span = record.timeline.stoppedAt - record.timeline.startedAt;
  const lastRoutes = [...record.timeline.events]
    .reverse()
    .find((e) => e.kind === 'routes' && e.node === ic.peerRouter && e.subject === edge);
  return {
    id: ic.id,
    rates,
    availability: span > 0 ? upMs / span : 1,
    flaps: mine.filter((e) => e.from === 'Established').length,
    drops: interconnectDrops(model, record, ic),
    routesReceived: lastRoutes ? Number(lastRoutes.to) || 0 : null,
  };
}

/** Packets dropped during the run by the interconnect's interfaces: its LAG and members, at both ends. */
function interconnectDrops(model: LabModel, record: ScenarioRecord, ic: LabModel['interconnects'][number]): number {
  const { timeline } = record;
  let drops = 0;
  for (const node of [ic.peerRouter, ic.edgeRouter])
    for (const iface of model.nodes.find((n) => n.name === node)!.interfaces)
      if (iface.name === ic.lag.interface || iface.bond === ic.lag.interface)
        drops += counterGrowth(timeline, node, iface.name, (c) => c.drops, timeline.startedAt, timeline.stoppedAt);
  return drops;
}

/** min, median, p95, max of each figure over the attempts. */
export function summarizeFigures(attempts: Attempt[]): ScenarioReport['figures'] {
  const figures: { name: string; unit: string; values: number[] }[] = [
    {
      name: 'worst loss-derived convergence',
      unit: 'ms',
      values: attempts.map((a) => worstFlow(a, 'lossDerivedMs')),
    },
    {
      name: 'longest outage',
      unit: 'ms',
      values: attempts.map((a) => worstFlow(a, 'longestOutageMs')),
    },
    { name: 'restore', unit: 'ms', values: attempts.flatMap((a) => (a.restoreMs === null ? [] : [a.restoreMs])) },
  ];
  return figures
    .filter((f) => f.values.length)
    .map((f) => {
      const v = [...f.values].sort((a, b) => a - b);
      const q = (p: number) => v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)]!;
      return {
        name: f.name,
        unit: f.unit,
        min: v[0]!,
        median: q(0.5),
        p95: q(0.95),
        max: v.at(-1)!,
        samples: v.length,
      };
    });
}

/** The worst of some verdicts: fail, then inconclusive, then pass (none is a pass). */
export function worstVerdict(verdicts: VerdictStatus[]): VerdictStatus {
  return verdicts.includes('fail') ? 'fail' : verdicts.includes('inconclusive') ? 'inconclusive' : 'pass';
}

/** Scenarios by verdict. */
export function verdictCounts(scenarios: { verdict: VerdictStatus }[]): Record<VerdictStatus, number> {
  const counts = { pass: 0, fail: 0, inconclusive: 0 };
  for (const s of scenarios) counts[s.verdict]++;
  return counts;
}

/** A verdict as the terminal and the reports print it: a failure stands out. */
export const verdictLabel = (v: VerdictStatus) =>
  v === 'fail' ? 'FAIL' : v === 'inconclusive' ? 'INCONCLUSIVE' : 'pass';

/** The process exit code of a run's verdict: 0 pass, 1 fail, 3 inconclusive. */
export const verdictExitCode = (v: VerdictStatus) => (v === 'pass' ? 0 : v === 'fail' ? 1 : 3);

/** The summary line of a run: scenarios by verdict. */
export const countsLine = (c: Record<VerdictStatus, number>) =>
  `${c.pass} passed, ${c.fail} failed, ${c.inconclusive} inconclusive`;

/**
 * A run.json written before verdicts existed (pass/fail only): each result, attempt, scenario and the run
 * get the verdict their pass flags say, so every reader can rely on `verdict` and `counts`.
 */
export function withVerdicts(report: RunReport): RunReport {
  const of = (passed: boolean): VerdictStatus => (passed ? 'pass' : 'fail');
  for (const s of report.scenarios) {
    for (const a of s.attempts) {
      for (const r of a.results) r.verdict ??= of(r.pass);
      a.verdict ??= of(a.passed);
    }
    s.verdict ??= of(s.passed);
  }
  report.verdict ??= of(report.passed);
  report.counts ??= verdictCounts(report.scenarios);
  return report;
}

/** One lab of a report, as its header says it: how long it took to converge, or that it did not. */
export function labSentence(lab: LabEntry): string {
  const named = `Lab ${lab.name} (${lab.topology})`;
  if (lab.notConverged) return `${named} came up in ${(lab.upMs / 1000).toFixed(1)} s and did not converge.`;
  if (lab.upMs === 0) return `${named} was running before this run.`;
  return `${named} converged in ${(lab.upMs / 1000).toFixed(1)} s.`;
}

/** The run's outcome in a word: interrupted, or its verdict (passed, failed, inconclusive). */
export function runStatus(report: RunReport): 'interrupted' | 'passed' | 'failed' | 'inconclusive' {
  if (report.interrupted) return 'interrupted';
  return report.verdict === 'pass' ? 'passed' : report.verdict === 'fail' ? 'failed' : 'inconclusive';
}

/** The counts line reports print under their title. */
export const countsSentence = (report: RunReport) =>
  `Scenarios: ${countsLine(report.counts)}. Inconclusive: the lab could not measure it (its own limits, measured below), neither a pass nor a failure.`;

/** What an attempt's report says before its results: the rate and why, a re-run, a baseline the lab could not carry. */
export function attemptNotes(a: Attempt): { label: string; text: string; alert: boolean }[] {
  return [
    ...(a.rateNote
      ? [
          {
            label: 'Probe rate:',
            text: `${a.rateNote}; time resolution ${(1000 / a.rate).toFixed(1)} ms`,
            alert: false,
          },
        ]
      : []),
    ...(a.rerunOf
      ? [
          {
            label: 'Re-run:',
            text: `the first run at ${a.rerunOf.rate} pps per flow could not be judged (${a.rerunOf.reasons.join('; ')})`,
            alert: false,
          },
        ]
      : []),
    ...(a.unfit?.length
      ? [{ label: 'The lab could not measure this run:', text: a.unfit.join('; '), alert: true }]
      : []),
  ];
}
