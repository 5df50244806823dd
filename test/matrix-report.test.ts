import test from 'ava';
import { failureMatrix } from '../src/certify/matrix.js';
import { matrixCell, utilizationFindings } from '../src/certify/matrix-cells.js';
import { matrixHtml, matrixJunit, matrixMarkdown, matrixSummary } from '../src/report/matrix.js';
import type { Attempt, ScenarioReport } from '../src/scenario/results.js';
import { loadTopology } from '../src/topology/load.js';

// A gray failure of fra/ic1 as a run measured it: the edge's BFD went down 780-880 ms after the fault,
// the worst flow lost 1,200 ms.
const attempt = (bfdAt: number, lost: number): Attempt =>
  ({
    faults: [{ name: 'f', appliedMs: 2000, revertedMs: 7000 }],
    events: [
      { atMs: 1500, sinceMs: 1400, node: 'fra-msee1', kind: 'bfd', subject: '198.51.100.9', from: 'up', to: 'down' },
      {
        atMs: 2000 + bfdAt,
        sinceMs: 1900 + bfdAt,
        node: 'fra-msee2',
        kind: 'bfd',
        subject: 'x',
        from: 'up',
        to: 'down',
      },
      {
        atMs: 2000 + bfdAt,
        sinceMs: 1900 + bfdAt,
        node: 'fra-msee1',
        kind: 'bfd',
        subject: '198.51.100.9',
        from: 'up',
        to: 'down',
      },
    ],
    flows: [{ lossDerivedMs: lost, longestOutageMs: lost - 10 }],
    restoreMs: 2500,
    phases: { during: { fromMs: 2000, toMs: 5000 } },
    // During the failure fra/ic2 carried 3 of every 4 probe packets, ams/ic1 the rest; fra/ic1 none.
    interconnects: [
      {
        id: 'fra/ic1',
        rates: [
          [1000, 500, 500],
          [3000, 0, 0],
          [4000, 0, 0],
        ],
      },
      {
        id: 'fra/ic2',
        rates: [
          [1000, 500, 500],
          [3000, 750, 750],
          [4000, 750, 750],
        ],
      },
      {
        id: 'ams/ic1',
        rates: [
          [1000, 0, 0],
          [3000, 250, 250],
          [4000, 250, 250],
        ],
      },
    ],
  }) as unknown as Attempt;

const scenario = (verdict: 'pass' | 'fail', attempts: Attempt[]) =>
  ({ name: 'matrix-fra-ic1-gray-blackhole', verdict, attempts }) as unknown as ScenarioReport;

test('a matrix cell: detection at the edge the row watches, after the fault, against the budget; the worst loss; the table, details and JUnit', async (t) => {
  const model = await loadTopology('examples/partner-voice/topology.yaml');
  const row = failureMatrix(model).find((r) => r.id === 'fra/ic1 gray-blackhole')!;
  const edge = model.interconnects.find((i) => i.id === 'fra/ic1')!.edgeRouter;
  t.deepEqual(row.watch, { nodes: [edge], events: ['bfd', 'bgp'] });
  const cell = matrixCell(
    row,
    'matrix-fra-ic1-gray-blackhole',
    scenario('pass', [attempt(880, 1200), attempt(800, 900)]),
    model,
  );
  // The slowest detection over the attempts, on the watched edge only (fra-msee2's is another interconnect's).
  t.like(cell, { verdict: 'pass', lossMs: 1200, outageMs: 1190, restoreMs: 2500 });
  t.deepEqual(cell.repeated, {
    attempts: 2,
    loss: { median: 900, p95: 1200, max: 1200, spread: 300 },
    detection: { median: 800, p95: 880, max: 880, spread: 80 },
  });
  t.like(cell.detection, { sinceMs: 780, atMs: 880 });
  t.regex(cell.detection!.event, new RegExp(`^${edge} bfd 198\\.51\\.100\\.9 up -> down$`));

  // Declared peaks 6G + 7G: fra/ic2 (2 x 10G) at 75% of them is 49% of its LAG.
  t.deepEqual(cell.utilization, [
    { interconnect: 'fra/ic1', sharePct: 0, projectedPct: 0 },
    { interconnect: 'fra/ic2', sharePct: 75, projectedPct: 49 },
    { interconnect: 'ams/ic1', sharePct: 25, projectedPct: 16 },
  ]);
  t.deepEqual(
    utilizationFindings([cell]).map((f) => f.status + ' ' + f.text),
    [
      'warn after fra/ic1 gray-blackhole: fra/ic2 carried 75% of the probe traffic: at that share of the declared peaks, 49% of its LAG, over the 40% line',
    ],
  );
  const failed = matrixCell(row, 'matrix-fra-ic1-gray-blackhole', scenario('fail', [attempt(880, 2600)]), model);
  const m = { level: 'default', cells: [cell, failed] };
  const md = matrixMarkdown(m).join('\n');
  t.regex(md, /^## Failure matrix \(default\): 2 failures, 1 pass, 1 fail, 0 inconclusive/);
  t.regex(md, /\| element \| gray-blackhole \|/);
  t.regex(md, /\| fra\/ic1 \| pass: detected 780-880 ms \(budget 900\), loss 1200 ms \(budget 2000\) \|/);
  t.regex(md, /- fra\/ic1 gray-blackhole \(E-SILENT; fra-pe1's own config\): FAIL; .*worst flow: loss-derived 2600 ms/);
  t.regex(
    matrixHtml(m),
    /<td class="cell-pass" title="[^"]+"><a href="#matrix-fra-ic1-gray-blackhole">pass: detected 780-880 ms/,
  );
  const junit = matrixJunit(m);
  t.regex(junit, /<testsuite name="failure-matrix" tests="2" failures="1" skipped="0"/);
  t.regex(junit, /<failure message="FAIL: detected 780-880 ms \(budget 900\), loss 2600 ms \(budget 2000\)">/);
});

test('a row the certification never measured says so, inconclusive, never "not detected"', async (t) => {
  const model = await loadTopology('examples/partner-voice/topology.yaml');
  const row = failureMatrix(model).find((r) => r.id === 'fra/ic1 gray-blackhole')!;
  const never = matrixCell(row, 'matrix-fra-ic1-gray-blackhole', undefined, model);
  t.is(never.verdict, 'inconclusive');
  t.is(
    matrixSummary({ level: 'default', cells: [never] })[1],
    '  fra/ic1 gray-blackhole: INCONCLUSIVE: not run: the certification stopped before this row',
  );
  // Stopped by a tool error while the fault was prepared: not a FAIL of the partner's router.
  const stopped = {
    ...scenario('fail', []),
    verdict: 'inconclusive',
    stopped: 'fault link-blackhole fra/ic1 could not be prepared',
  } as ScenarioReport;
  t.regex(
    matrixSummary({ level: 'default', cells: [matrixCell(row, 'x', stopped, model)] })[1]!,
    /INCONCLUSIVE: not run: the certification stopped during this row: fault link-blackhole fra\/ic1 could not be prepared$/,
  );
});

test("a router kill's detection counts from when the kill began: the edge may see the router go before it is all gone", async (t) => {
  const model = await loadTopology('examples/partner-voice/topology.yaml');
  const row = failureMatrix(model).find((r) => r.id === 'fra-pe2 router-kill')!;
  const edge = row.watch.nodes[0]!;
  // As measured (full matrix, 2026-12-03): killing fra-pe2 took 620 ms; its edge's session fell 9 ms in.
  const kill = {
    ...attempt(0, 55),
    faults: [{ name: 'router-kill fra-pe2', applyingMs: 1446, appliedMs: 2071, revertedMs: 8902 }],
    events: [
      { atMs: 1455, sinceMs: 1355, node: edge, kind: 'bgp', subject: 's', from: 'Established', to: 'Idle' },
      { atMs: 12948, sinceMs: 12848, node: edge, kind: 'bfd', subject: 's', from: 'up', to: 'down' },
    ],
  } as unknown as Attempt;
  const cell = matrixCell(row, 'matrix-fra-pe2-router-kill', scenario('pass', [kill]), model);
  t.like(cell.detection, { atMs: 9, event: `${edge} bgp s Established -> Idle` });
});
