import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Lab } from '../lab/lab.js';
import type { LagDriver } from '../lab/lag/types.js';
import { startLab } from '../lab/up.js';
import { expectations, ruleIds, rules } from '../requirements/catalog.js';
import { checkRequirements } from '../requirements/check.js';
import { worst } from '../requirements/result.js';
import type { Runtime } from '../runtime/types.js';
import { loadScenario } from '../scenario/load.js';
import { worstVerdict, type CertRow, type Certification, type RunReport } from '../scenario/results.js';
import { finishRun, newRunReport, runOnLab, settleRun } from '../scenario/suite.js';
import { bfdDetectionMs } from '../daemons/intent.js';
import { daemonOf } from '../daemons/registry.js';
import { loadTopology } from '../topology/load.js';
import type { LabModel } from '../topology/model.js';
import { systemClock, type Clock } from '../util/clock.js';
import { negotiatedDetection, readEdges, settledEdges } from './edge.js';
import { judgeEdge, type Finding } from './edge-rules.js';
import { growAnnouncement } from './max-prefix.js';
import { readRunningRouters } from './running.js';
import { certificationScenarios, type Skipped } from './scenarios.js';
import type { CertifyLevel, MatrixRow } from './matrix.js';
import { canCapture } from '../observe/capture.js';
import { matrixCell, utilizationFindings } from './matrix-cells.js';
import { matrixScenarios } from './matrix-run.js';
import { certRow, edgeObserves, type Judgement, type Source } from './merge.js';

export interface CertifyOptions {
  runtime: Runtime;
  lag: LagDriver;
  /** Where the report and the generated scenarios go. */
  out: string;
  /** Run the E-* scenarios (default true); without them only the R-* rows are judged. */
  scenarios?: boolean;
  /** Which failures: the matrix's `default` level (the default), `full`, or the type's `reference` scenarios. */
  matrix?: CertifyLevel;
  /** Only the matrix rows these terms name (elements, failures, row ids; see `onlyRows`). */
  only?: string[];
  /** Runs of each scenario (default 1): the matrix's figures become their median, p95, max and spread. */
  repeat?: number;
  name?: string;
  /** How long to wait for the lab to converge before judging what it shows (default 150 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  progress?: (line: string) => void;
  clock?: Clock;
}

type Judged = Partial<Record<string, Judgement[]>>;

/**
 * `peerlab certify`: bring the lab up with the partner's own configs and the edge's BFD gate, judge every
 * requirement from what the AS8075 edge and the partner's running routers show, run the E-* scenarios
 * of the topology's type on the same lab, grow Microsoft's announcement last, and tear the lab down.
 */
export async function certify(topologyFile: string, options: CertifyOptions): Promise<RunReport> {
  const clock = options.clock ?? systemClock;
  const progress = options.progress ?? (() => {});
  const model: LabModel = { ...(await loadTopology(topologyFile)), bfdGate: true };
  const staticReport = checkRequirements(model);
  const dir = join(options.out, 'scenarios');
  const level = options.matrix ?? 'default';
  const generate = (detection?: ReadonlyMap<string, number>) =>
    level === 'reference'
      ? { ...certificationScenarios(model, resolve(topologyFile), resolve(dir), detection), rows: [] }
      : matrixScenarios(model, resolve(topologyFile), resolve(dir), level, detection, options.only);
  let generated = generate();
  await mkdir(dir, { recursive: true });
  const load = async (g: typeof generated) => {
    for (const s of g.scenarios) await writeFile(join(dir, `${s.name}.yaml`), s.text);
    return options.scenarios === false
      ? []
      : await Promise.all(g.scenarios.map((s) => loadScenario(join(dir, `${s.name}.yaml`))));
  };
  let loaded = await load(generated);

  const report = newRunReport(options.runtime.kind, options.lag.kind);
  const judged: Judged = {};
  const add = (source: Source, findings: Partial<Record<string, Finding[]>>, crossCheck = false) => {
    for (const [rule, list] of Object.entries(findings))
      if (list?.length)
        judged[rule] = [...(judged[rule] ?? []), { source, findings: list, ...(crossCheck ? { crossCheck } : {}) }];
  };
  // What the edge observes itself, the configs' static reading only cross-checks (certRow).
  for (const r of staticReport.results)
    add(
      'static',
      {
        [r.rule]: r.evidence.map((line) => {
          // Findings carry their own status ("fail: ..."); a rule's single line takes the rule's; other
          // lines beside findings explain them.
          const own = line.match(/^(pass|fail|warn|n\/a): (.*)$/);
          const text = own ? own[2]! : line;
          return {
            status: own ? (own[1] as Finding['status']) : r.evidence.length > 1 ? 'n/a' : r.status,
            text: `${r.reading ? `${r.reading}: ` : ''}${text}`,
          };
        }),
      },
      edgeObserves(r.rule, r.reading),
    );

  let lab: Lab | undefined;
  let convergedMs: number | null = null;
  try {
    const name = (options.name ?? `cert-${model.name}`).slice(0, 31).replace(/-+$/, '');
    progress(`bringing lab ${name} up with the partner's configs (edge holds BGP until BFD is up)`);
    const began = clock.now();
    lab = await startLab(model, {
      name,
      runtime: options.runtime,
      lag: options.lag,
      acceptUnconverged: true,
      timeoutMs: options.timeoutMs ?? 150_000,
      progress: (phase) => progress(`${name}: ${phase}`),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!lab.notConverged) convergedMs = Math.round(clock.now() - began);
    report.labs.push({
      topology: topologyFile,
      name,
      upMs: Math.round(clock.now() - began),
      ...(lab.notConverged ? { notConverged: lab.notConverged } : {}),
    });
    progress('reading what the edge received');
    const edges = await settledEdges(() => readEdges(lab!, began), clock);
    add('edge', judgeEdge(model, edges));
    // The partner's own BFD timers decide how fast the edge detects a loss: the bounds follow what it negotiated.
    const detection = negotiatedDetection(edges);
    if ([...detection].some(([id, ms]) => ms > topologyDetection(model, id))) {
      progress('the edges negotiated slower BFD than the topology says: the scenarios are bound to it');
      generated = generate(detection);
      loaded = await load(generated);
    }
    progress("reading the partner routers' traffic control and packet filter");
    add('router', await readRunningRouters(lab));
    if (!lab.notConverged && loaded.length)
      await runOnLab(
        lab,
        loaded.map((l) => l.scenario),
        report,
        {
          clock,
          progress,
          ...(options.repeat ? { repeat: options.repeat } : {}),
          ...(canCapture() && generated.rows.length
            ? {
                capture: {
                  out: options.out,
                  nodes: (s: { name: string }) => captureNodes(model, generated.rows, s.name),
                },
              }
            : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        },
      );
    for (const s of report.scenarios)
      for (const rule of new Set([...s.covers, ...s.attempts.flatMap((a) => a.results.flatMap((r) => r.covers))]))
        if (rule.startsWith('R-')) add('scenario', { [rule]: scenarioFindings(s, rule) });
    // Run even when some host cannot reach its destination: the limit is judged on the sessions alone.
    progress("growing Microsoft's announcement (R-MAX-PREFIX)");
    add('edge', { 'R-MAX-PREFIX': await growAnnouncement(lab, clock) });
  } catch (error) {
    settleRun(report, error, options.signal);
  } finally {
    await lab?.down();
  }
  const cells = report.scenarios.length
    ? generated.rows.map(({ row, scenario }) =>
        matrixCell(
          row,
          scenario,
          report.scenarios.find((s) => s.name === scenario),
          model,
        ),
      )
    : undefined;
  if (cells?.length) add('scenario', { 'R-UTILIZATION': utilizationFindings(cells) });
  const certification: Certification = {
    topology: topologyFile,
    type: model.type,
    partnerFiles: model.nodes
      .filter((n) => n.config || n.nftables)
      .map((n) => ({
        router: n.name,
        daemon: n.daemon ?? '',
        version: n.version ?? (n.daemon ? daemonOf(n).defaultVersion : ''),
        ...(n.config ? { config: n.config.file } : {}),
        ...(n.nftables ? { nftables: n.nftables.file } : {}),
      })),
    convergedMs,
    ...(lab?.notConverged ? { notConverged: lab.notConverged } : {}),
    rows: [],
    ...(cells ? { matrix: { level: options.only ? `${level}, only ${options.only.join(',')}` : level, cells } } : {}),
    passed: false,
  };
  certification.rows = [
    ...ruleIds.map((id) => certRow(id, rules[id].title, judged[id] ?? [])),
    ...Object.entries(expectations).map(([id, title]) =>
      scenarioRow(
        id,
        title,
        report,
        generated.skipped,
        options.scenarios === false,
        lab?.notConverged,
        slowRestores(report, id),
      ),
    ),
  ];
  certification.passed = !report.interrupted && !report.error && certification.rows.every((r) => r.status !== 'fail');
  report.certification = certification;
  finishRun(report, loaded.length);
  const rows = certification.rows.map((r) => r.status);
  report.verdict = worstVerdict([
    report.verdict,
    rows.includes('fail') ? 'fail' : rows.includes('inconclusive') ? 'inconclusive' : 'pass',
  ]);
  report.passed = report.verdict === 'pass';
  return report;
}

/** Whose control plane a row's capture holds: the edges that watch it and the partner routers across from them. */
function captureNodes(model: LabModel, rows: { row: MatrixRow; scenario: string }[], scenario: string): string[] {
  const row = rows.find((r) => r.scenario === scenario)?.row;
  if (!row) return [];
  const across = model.interconnects.filter((i) => row.watch.nodes.includes(i.edgeRouter)).map((i) => i.peerRouter);
  return [...new Set([...row.watch.nodes, ...across])];
}

/** The BFD detection time the topology gives an interconnect (Infinity without BFD: nothing to follow). */
function topologyDetection(model: LabModel, id: string): number {
  const bfd = model.interconnects.find((i) => i.id === id)?.bfd;
  return bfd ? bfdDetectionMs(bfd) : Infinity;
}

/** A scenario's verdict on a rule: the expectations that cover it, else the whole scenario's. */
function scenarioFindings(s: RunReport['scenarios'][number], rule: string): Finding[] {
  const attempt = s.attempts.at(-1);
  const results = (attempt?.results ?? []).filter((r) => r.covers.includes(rule));
  if (results.length)
    return results.map((r) => ({
      status: r.verdict,
      text: `${s.name}/${r.id}: ${r.measured}${r.inconclusive ? ` (inconclusive: ${r.inconclusive})` : ''}`,
    }));
  return [
    {
      status: s.verdict,
      text: `${s.name} ${s.verdict === 'pass' ? 'passed' : s.verdict === 'fail' ? 'failed' : 'inconclusive'}`,
    },
  ];
}

/** An E-* row: the generated scenarios that cover it, with their expectations' verdicts. */
function scenarioRow(
  id: string,
  title: string,
  report: RunReport,
  skipped: Skipped[],
  notRequested: boolean,
  notConverged: string | undefined,
  extra: Finding[],
): CertRow {
  const skip = skipped.find((s) => s.id === id);
  const covering = report.scenarios.filter((s) => s.covers.includes(id));
  if (covering.length === 0) {
    const why = notRequested
      ? 'not run (--no-scenarios)'
      : notConverged
        ? 'not run: the lab did not converge'
        : (skip?.why ?? 'not run');
    const status = notConverged && !skip && !notRequested ? 'fail' : 'n/a';
    return { id, title, status, sources: ['scenario'], evidence: [`scenario: ${status}: ${why}`] };
  }
  const evidence = covering.flatMap((s) => {
    const attempt = s.attempts.at(-1);
    const results = attempt?.results ?? [];
    return [
      `scenario: ${s.verdict}: ${s.name}${attempt?.error ? ` stopped: ${attempt.error}` : ''}${s.stopped ? ` (not judged: the certification stopped here: ${s.stopped})` : ''}`,
      ...results.map(
        (r) =>
          `scenario: ${r.verdict}: ${s.name}/${r.id}: ${r.measured}${r.inconclusive ? ` (${r.inconclusive})` : ''}`,
      ),
    ];
  });
  return {
    id,
    title,
    status: worst([...covering.map((s) => s.verdict), ...extra.map((f) => f.status)]),
    sources: ['scenario'],
    evidence: [...evidence, ...extra.map((f) => `scenario: ${f.status}: ${f.text}`)],
  };
}

/** Sessions that come back, but only after a minute: what a partner daemon's reconnect back-off costs. */
const slowRestoreMs = 60_000;

function slowRestores(report: RunReport, id: string): Finding[] {
  if (id !== 'E-RESTORE') return [];
  return report.scenarios.flatMap((s) => {
    const restore = s.figures.find((f) => f.name === 'restore');
    return restore && restore.max > slowRestoreMs
      ? [
          {
            status: 'warn' as const,
            text: `${s.name}: traffic was back on the optimized path only ${(restore.max / 1000).toFixed(1)} s after the repair (over ${slowRestoreMs / 1000} s: a BGP daemon waiting before it reconnects, e.g. BIRD's default error wait time of 60-300 s)`,
          },
        ]
      : [];
  });
}
