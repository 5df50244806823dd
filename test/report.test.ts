import test from 'ava';
import type { FlowStats } from '../src/probe/analyze.js';
import type { FlowPlan } from '../src/probe/flows.js';
import {
  convergenceBreakdown,
  toAttempt,
  runSchema,
  summarizeFigures,
  type RunReport,
} from '../src/scenario/results.js';
import { renderHtml } from '../src/report/html.js';
import { renderJunit } from '../src/report/junit.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { judgeScenario } from '../src/scenario/expectations/index.js';
import type { Expectation, ExpectationBody } from '../src/scenario/model.js';
import type { ScenarioRecord } from '../src/scenario/run.js';
import { loadTopology } from '../src/topology/load.js';

const flow = (
  srcPort: number,
  outages: { startMs: number; durationMs: number; lost: number }[],
): FlowStats & { plan: FlowPlan } => ({
  plan: {
    id: srcPort,
    from: 'sbc-ams',
    to: 'teams-media',
    srcAddr: '203.0.113.2',
    srcPort,
    dstAddr: '198.18.0.2',
    dstPort: 7474,
    rate: 1000,
  },
  flow: srcPort,
  rate: 1000,
  sent: 10_000,
  received: 10_000 - outages.reduce((s, o) => s + o.lost, 0),
  lost: outages.reduce((s, o) => s + o.lost, 0),
  duplicated: 0,
  reordered: 0,
  lossDerivedMs: outages.reduce((s, o) => s + o.lost, 0),
  outages: outages.map((o) => ({ ...o, endMs: o.startMs + o.durationMs })),
  longestOutageMs: Math.max(0, ...outages.map((o) => o.durationMs)),
  latency: [{ phase: 'before', oneWayMs: undefined, rttMs: { samples: 10, p50: 0.4, p90: 0.6, p99: 0.9, max: 1 } }],
});

/** A fault on ams/ic1 from 3 s to 6 s: one flow loses 900 ms, BFD and BGP drop, traffic shifts to ams/ic2. */
function record(): ScenarioRecord {
  const counters = [0, 3000, 6000, 10_000].map((atMs, i) => ({
    atMs: 1000 + atMs,
    node: 'ams-pe1',
    counters: {
      'ams-ic1': { rx: [0, 3000, 3010, 5000][i]!, tx: [0, 3000, 3010, 5000][i]!, drops: [0, 0, 5, 5][i]! },
    },
  }));
  const counters2 = [0, 3000, 6000, 10_000].map((atMs, i) => ({
    atMs: 1000 + atMs,
    node: 'ams-pe2',
    counters: { 'ams-ic2': { rx: [0, 3000, 9000, 11_000][i]!, tx: [0, 3000, 9000, 11_000][i]!, drops: 0 } },
  }));
  return {
    scenario: 'synthetic',
    startedAt: 1000,
    stoppedAt: 11_000,
    rate: 1000,
    flows: [flow(40000, [{ startMs: 4000, durationMs: 900, lost: 900 }]), flow(40001, [])],
    faults: [
      {
        name: 'link-blackhole ams/ic1',
        kind: 'link-blackhole',
        target: 'ams/ic1',
        applyingAt: 3999,
        appliedAt: 4000,
        revertedAt: 7000,
      },
    ],
    waits: [{ until: 'restored', startedAt: 7000, doneAt: 9500 }],
    marks: [
      {
        name: 'during',
        atMs: 6000,
        prefixes: { 'ams-msee1': ['198.18.0.0/24', '203.0.113.0/26', '203.0.113.64/26'] },
        received: { 'ams-msee1': ['203.0.113.0/26', '203.0.113.64/26', '203.0.113.128/25'] },
        paths: {
          transit: {
            '203.0.113.0/26': ['64500'],
            '203.0.113.64/26': ['64500', '8075 64500'],
            '198.18.0.0/24': ['8075'],
          },
        },
        snapshots: {
          'ams-pe1': {
            node: 'ams-pe1',
            bgp: [{ peer: '198.51.100.0', state: 'Idle', received: 0 }],
            bfd: [{ peer: '198.51.100.0', state: 'down' }],
            lags: [
              {
                name: 'ams-ic1',
                negotiated: true,
                members: [
                  { name: 'ams-ic1-m1', enabled: true },
                  { name: 'ams-ic1-m2', enabled: true },
                ],
              },
            ],
          },
        },
      },
    ],
    phases: {
      before: { fromMs: 2000, toMs: 3999 },
      during: { fromMs: 3999, toMs: 7000 },
      after: { fromMs: 7000, toMs: 11_000 },
      restored: { fromMs: 9500, toMs: 11_000 },
    },
    timeline: {
      intervalMs: 100,
      startedAt: 1000,
      stoppedAt: 11_000,
      samples: 100,
      events: [
        { atMs: 4800, sinceMs: 4700, node: 'ams-pe1', kind: 'bfd', subject: '198.51.100.0', from: 'up', to: 'down' },
        {
          atMs: 4800,
          sinceMs: 4700,
          node: 'ams-pe1',
          kind: 'bgp',
          subject: '198.51.100.0',
          from: 'Established',
          to: 'Idle',
        },
        {
          atMs: 8000,
          sinceMs: 7900,
          node: 'ams-pe1',
          kind: 'bgp',
          subject: '198.51.100.0',
          from: 'Idle',
          to: 'Established',
        },
      ],
      counters: [...counters, ...counters2],
    },
    restoreMs: 2500,
  };
}

let n = 0;
const expectation = (body: ExpectationBody, covers: string[] = []): Expectation => ({
  id: `e${++n}`,
  covers,
  position: { file: 'x.yaml', line: 1, column: 1 },
  ...body,
});
const ic = (id: string, node: string, iface: string) => ({ label: id, ports: [{ node, iface }] });

test('loss bounds are judged per flow, in the phase asked, with the worst flow as the measurement', (t) => {
  const [ok, tight, zero, before] = judgeScenario(
    [
      expectation({ kind: 'loss', flows: {}, phase: 'all', maxLossMs: 1000, maxOutageMs: 1000 }),
      expectation({ kind: 'loss', flows: {}, phase: 'during', maxLossMs: 500 }),
      expectation({ kind: 'loss', flows: {}, phase: 'all', zero: true }),
      expectation({ kind: 'loss', flows: {}, phase: 'before', zero: true }),
    ],
    record(),
  );
  t.true(ok!.pass);
  t.false(tight!.pass);
  t.is(tight!.measured, 'worst sbc-ams->teams-media:40000: 900 lost, loss-derived 900 ms, longest outage 900 ms');
  t.regex(tight!.details[0]!, /^FAIL sbc-ams->teams-media:40000/);
  t.false(zero!.pass);
  t.true(before!.pass, 'nothing was lost before the fault');
});

test('state, path, restore and count expectations read the marks, counters and timeline', (t) => {
  const results = judgeScenario(
    [
      expectation({
        kind: 'state',
        at: 'during',
        node: 'ams-pe1',
        session: { address: '198.51.100.0', label: 'ams/ic1' },
        bgp: 'down',
        bfd: 'down',
      }),
      expectation({
        kind: 'state',
        at: 'during',
        node: 'ams-pe1',
        lag: { iface: 'ams-ic1', label: 'ams/ic1' },
        membersActive: 1,
      }),
      expectation({
        kind: 'path',
        window: { phase: 'during' },
        via: ic('ams/ic2', 'ams-pe2', 'ams-ic2'),
        notVia: ic('ams/ic1', 'ams-pe1', 'ams-ic1'),
      }),
      expectation({ kind: 'path', window: { mark: 'during', ms: 1000 }, via: ic('ams/ic1', 'ams-pe1', 'ams-ic1') }),
      expectation({ kind: 'restore', withinMs: 3000, maxSecondOutageMs: 100 }),
      expectation({ kind: 'restore', withinMs: 1000 }),
      expectation({ kind: 'count', event: 'bgp-drop', max: 0 }),
      expectation({
        kind: 'state',
        at: 'during',
        node: 'ams-msee1',
        accepted: ['203.0.113.0/26'],
        rejected: [{ prefix: '203.0.113.128/25', rules: ['not registered'] }],
      }),
      expectation({
        kind: 'state',
        at: 'during',
        node: 'ams-msee1',
        rejected: [{ prefix: '203.0.113.64/26', rules: ['R-COMMUNITY'] }],
      }),
    ],
    record(),
  );
  t.deepEqual(
    results.map((r) => r.pass),
    [true, false, true, false, true, false, false, true, false],
    results.map((r) => `${r.id}: ${r.expected} / ${r.measured}`).join('\n'),
  );
  t.is(results[1]!.measured, 'LAG ams/ic1 members active 2');
  t.is(results[6]!.details[0], 'ams-pe1 bgp 198.51.100.0 Established -> Idle');
  t.is(results[8]!.expected, 'ams-msee1 at during: 203.0.113.64/26 rejected (breaks R-COMMUNITY)');
  t.is(results[8]!.measured, '203.0.113.64/26 ACCEPTED');
});

test("path: a router whose counters were not read during the fault (its daemon dead) is read at the link's far end, or the path is inconclusive", (t) => {
  // ams-pe1's daemon is dead from 4000 to 7500 ms: no counter samples, and its nearest ones straddle the fault.
  // Counted between those, the traffic of before the fault made "not via ams/ic1" a false FAIL.
  const rec = record();
  const every100 = (from: number, to: number) =>
    Array.from({ length: (to - from) / 100 + 1 }, (_, i) => from + i * 100);
  const sample = (node: string, atMs: number, packets: number) => ({
    atMs,
    node,
    counters: { 'ams-ic1': { rx: packets, tx: packets, drops: 0 } },
  });
  // 1,000 packets a second each way before the fault and after the revert.
  const near = [...every100(1000, 3900), ...every100(7500, 11_000)].map((at) => sample('ams-pe1', at, at));
  const far = (pps: number) =>
    every100(1000, 11_000).map((at) => sample('ams-msee1', at, at < 4000 ? at : 4000 + ((at - 4000) * pps) / 1000));
  const judge = (counters: ScenarioRecord['timeline']['counters']) =>
    judgeScenario(
      [
        expectation({
          kind: 'path',
          window: { mark: 'during', ms: 1000 },
          notVia: {
            label: 'ams/ic1',
            ports: [{ node: 'ams-pe1', iface: 'ams-ic1', far: { node: 'ams-msee1', iface: 'ams-ic1' } }],
          },
        }),
      ],
      { ...rec, timeline: { ...rec.timeline, counters } },
    )[0]!;
  const quiet = judge([...near, ...far(0)]);
  t.is(quiet.verdict, 'pass', `${quiet.measured} / ${quiet.inconclusive}`);
  t.regex(quiet.measured, /^ams\/ic1: 0 packets/);
  const busy = judge([...near, ...far(500)]);
  t.is(busy.verdict, 'fail', 'traffic the far end counted in the window is a FAIL the evidence carries');
  t.regex(busy.measured, /^ams\/ic1: 1000 packets/);
  const blind = judge(near);
  t.is(blind.verdict, 'inconclusive');
  t.regex(
    blind.inconclusive!,
    /^no packet counters of ams-pe1 ams-ic1 or its far end on ams-msee1 were read over half/,
  );
});

test("restore names a router whose kernel had its routes back long after its daemon's sessions did", (t) => {
  const rec = record();
  const at = (atMs: number, kind: 'routes' | 'fib', subject: string, from: string, to: string) => ({
    atMs,
    sinceMs: atMs - 100,
    node: 'ams-pe1',
    kind,
    subject,
    from,
    to,
  });
  const lagging = {
    ...rec,
    timeline: {
      ...rec.timeline,
      events: [
        ...rec.timeline.events,
        at(4100, 'fib', 'kernel routes', '284', '4'),
        at(8000, 'routes', '198.51.100.0', '0', '280'),
        // Before the revert: not the restore's story.
        at(5000, 'fib', 'kernel routes', '4', '5'),
        at(8200, 'fib', 'kernel routes', '4', '150'),
        at(9400, 'fib', 'kernel routes', '150', '284'),
      ],
    },
  };
  const [slow] = judgeScenario([expectation({ kind: 'restore', withinMs: 3000 })], lagging);
  t.is(
    slow!.measured,
    "converged after 2500 ms; ams-pe1's kernel had its routes back 1400 ms after its BGP sessions had theirs",
  );
  const prompt = {
    ...lagging,
    timeline: {
      ...lagging.timeline,
      events: lagging.timeline.events.map((e) => (e.atMs === 9400 ? { ...e, atMs: 8300 } : e)),
    },
  };
  const [quick] = judgeScenario([expectation({ kind: 'restore', withinMs: 3000 })], prompt);
  t.is(quick!.measured, 'converged after 2500 ms', 'a kernel 300 ms behind its sessions is sampling, not a story');
});

test('reports: markdown rows, junit failures with measured against expected, a self-contained html timeline', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const rec = record();
  const results = judgeScenario(
    [expectation({ kind: 'loss', flows: {}, phase: 'all', zero: true }, ['E-SILENT'])],
    rec,
  );
  const attempt = toAttempt(rec, results, model);
  t.is(attempt.faults[0]!.appliedMs, 3000);
  const ams1 = attempt.interconnects.find((i) => i.id === 'ams/ic1')!;
  t.is(ams1.flaps, 1);
  t.is(ams1.drops, 5);
  t.is(attempt.interconnects.find((i) => i.id === 'ams/ic2')!.drops, 0);
  t.true(ams1.availability > 0.6 && ams1.availability < 0.7, `availability ${ams1.availability}`);
  const report: RunReport = {
    schema: runSchema,
    startedAt: '2026-11-23T09:00:00.000Z',
    finishedAt: '2026-11-23T09:01:00.000Z',
    runtime: 'docker',
    lag: 'ovs',
    interrupted: false,
    labs: [{ topology: 'topologies/maps-voice.yaml', name: 'run-maps-voice', upMs: 70_000 }],
    scenarios: [
      {
        name: 'synthetic',
        file: 'scenarios/synthetic.yaml',
        topology: 'topologies/maps-voice.yaml',
        covers: ['E-SILENT'],
        passed: false,
        verdict: 'fail',
        attempts: [attempt],
        figures: summarizeFigures([attempt]),
      },
    ],
    verdict: 'fail',
    counts: { pass: 0, fail: 1, inconclusive: 0 },
    passed: false,
  };
  const md = renderMarkdown(report);
  t.regex(md, /\| synthetic \| \*\*FAIL\*\* \| E-SILENT \| 900 ms \| 900 ms \| 2500 ms \|/);
  const junit = renderJunit(report);
  t.regex(
    junit,
    /<testcase classname="synthetic" name="e\d+ \[E-SILENT\]"><failure message="expected no packet lost \(whole run, 2 flows\); measured worst sbc-ams-&gt;teams-media:40000: 900 lost/,
  );
  const html = renderHtml(report);
  t.notRegex(html, /<script|https?:\/\//, 'no scripts, nothing fetched');
  t.regex(html, /<rect [^>]*fill="#d32f2f"><title>sbc-ams-&gt;teams-media:40000: outage of 900 ms at 3000 ms<\/title>/);
});

test('--repeat: figures over the runs are min, median, p95 and max', async (t) => {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const attempts = [300, 100, 200].map((lost) => {
    const rec = record();
    rec.flows = [flow(40000, [{ startMs: 4000, durationMs: lost, lost }])];
    rec.restoreMs = lost * 10;
    return toAttempt(rec, [], model);
  });
  t.deepEqual(summarizeFigures(attempts), [
    { name: 'worst loss-derived convergence', unit: 'ms', min: 100, median: 200, p95: 300, max: 300, samples: 3 },
    { name: 'longest outage', unit: 'ms', min: 100, median: 200, p95: 300, max: 300, samples: 3 },
    { name: 'restore', unit: 'ms', min: 1000, median: 2000, p95: 3000, max: 3000, samples: 3 },
  ]);
});

test('a flow dead from its first counted packet is a broken baseline: left out of loss bounds, named in a warning', async (t) => {
  const rec = record();
  rec.flows.push(flow(40002, [{ startMs: 2000, durationMs: 9000, lost: 9000 }]));
  const [loss] = judgeScenario([expectation({ kind: 'loss', flows: {}, phase: 'all', maxLossMs: 1000 })], rec);
  t.true(loss!.pass, loss!.measured);
  t.regex(loss!.expected, /2 flows/);
  const attempt = toAttempt(rec, [], await loadTopology('topologies/maps-voice.yaml'));
  t.regex(attempt.warnings[0]!, /^flow sbc-ams->teams-media:40002 delivered nothing for its first 9000 ms/);
});

test('readvertise (R-NO-READVERTISE): a peer prefix the transit has through AS8075 fails; one it lacks proves nothing', (t) => {
  const rec = record();
  const e = {
    id: 'no-readvertise',
    covers: ['R-NO-READVERTISE'],
    position: { file: 'x.yaml', line: 1, column: 1 },
    kind: 'readvertise' as const,
    at: 'during',
    transit: 'transit',
    asn: 8075,
    prefixes: ['203.0.113.0/26', '203.0.113.64/26', '203.0.113.128/25'],
  };
  const [bad] = judgeScenario([e], rec);
  t.false(bad!.pass);
  t.is(bad!.measured, '1 peer prefixes reached the transit through AS8075');
  t.true(bad!.details.includes('203.0.113.64/26: [64500] [8075 64500] (through AS8075)'));
  t.true(bad!.details.includes('203.0.113.128/25: absent'));
  const [good] = judgeScenario([{ ...e, prefixes: ['203.0.113.0/26'] }], rec);
  t.true(good!.pass, good!.measured);
  const [vacuous] = judgeScenario([{ ...e, prefixes: ['203.0.113.128/25'] }], rec);
  t.false(vacuous!.pass, 'a prefix the transit does not have cannot show it was not re-advertised');
});

test('detect (E-SILENT timing): an event within the bound the topology sets, plus sampling; a later one fails', (t) => {
  const body = (boundMs: number) =>
    expectation({
      kind: 'detect',
      event: 'bfd-down',
      node: 'ams-pe1',
      subject: '198.51.100.0',
      subjectLabel: 'ams/ic1',
      within: 'bfd',
      boundMs,
      toleranceMs: 100,
    });
  // BFD went down between 701 and 801 ms after the fault began to apply (samples at 4700 and 4800).
  const [ok, late] = judgeScenario([body(900), body(600)], record());
  t.true(ok!.pass);
  t.is(ok!.measured, '701 ms-801 ms after the fault (198.51.100.0 up -> down)');
  t.regex(ok!.expected, /^bfd-down on ams-pe1 ams\/ic1 within bfd \(900 ms\) \+ 100 ms sampling/);
  t.false(late!.pass, '801 ms is over 600 + 100');
  const [never] = judgeScenario([{ ...body(900), event: 'member-down' } as Expectation], record());
  t.false(never!.pass);
  t.is(never!.measured, 'never happened');
});

test('the convergence breakdown: fault -> what detected it -> BGP withdrawal -> traffic restored per flow', (t) => {
  const r = record();
  t.is(
    convergenceBreakdown(r, r.faults[0]!),
    'link-blackhole ams/ic1 -> detected by BFD (ams-pe1 198.51.100.0 up -> down) at 801 ms -> BGP withdrawn (ams-pe1 198.51.100.0) at 801 ms -> traffic restored: sbc-ams->teams-media:40000 901 ms',
  );
});

test('the breakdown names the lower layer when one sample saw several changes, and BFD "absent" is not BFD detecting', (t) => {
  const r = record();
  r.timeline.events.unshift(
    { atMs: 4100, sinceMs: 4000, node: 'ams-pe1', kind: 'bfd', subject: '198.51.100.0', from: 'up', to: 'absent' },
    {
      atMs: 4100,
      sinceMs: 4000,
      node: 'ams-pe1',
      kind: 'bgp',
      subject: '198.51.100.0',
      from: 'Established',
      to: 'Idle',
    },
    {
      atMs: 4100,
      sinceMs: 4000,
      node: 'ams-pe1',
      kind: 'member',
      subject: 'ams-ic1-m1',
      from: 'enabled',
      to: 'disabled',
    },
  );
  t.regex(
    convergenceBreakdown(r, r.faults[0]!),
    / -> detected by carrier\/LACP \(ams-pe1 ams-ic1-m1 enabled -> disabled\) at 101 ms -> BGP withdrawn \(ams-pe1 198\.51\.100\.0\) at 101 ms -> /,
  );
});

test('the report header says a lab converged only when it did: not for a certify lab accepted unconverged, nor for one it found running', (t) => {
  const report = (labs: RunReport['labs']): RunReport => ({
    schema: runSchema,
    startedAt: '2026-12-05T09:00:00.000Z',
    finishedAt: '2026-12-05T09:01:00.000Z',
    runtime: 'netns',
    lag: 'nft',
    interrupted: false,
    labs,
    scenarios: [],
    verdict: 'pass',
    counts: { pass: 0, fail: 0, inconclusive: 0 },
    passed: true,
  });
  const held = report([{ topology: 't.yaml', name: 'nbf', upMs: 15_500, notConverged: 'lab nbf cannot converge' }]);
  for (const text of [renderMarkdown(held), renderHtml(held)]) {
    t.regex(text, /Lab nbf \(t\.yaml\) came up in 15\.5 s and did not converge\./);
    t.notRegex(text, /converged in/);
  }
  t.regex(
    renderMarkdown(report([{ topology: 't.yaml', name: 'x', upMs: 0 }])),
    /Lab x \(t\.yaml\) was running before this run\./,
  );
  t.regex(
    renderMarkdown(report([{ topology: 't.yaml', name: 'x', upMs: 9_000 }])),
    /Lab x \(t\.yaml\) converged in 9\.0 s\./,
  );
});
