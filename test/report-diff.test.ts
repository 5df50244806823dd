import test from 'ava';
import { diffRuns, renderDiffMarkdown } from '../src/report/diff.js';
import type { RunReport, ScenarioReport } from '../src/scenario/results.js';
import type { VerdictStatus } from '../src/scenario/expectations/types.js';

// Two certifications of one topology, before and after a partner's config change.
const scenario = (name: string, verdicts: Record<string, VerdictStatus>, loss: number[]): ScenarioReport =>
  ({
    name,
    verdict: Object.values(verdicts).includes('fail') ? 'fail' : 'pass',
    passed: !Object.values(verdicts).includes('fail'),
    attempts: loss.map(() => ({
      rate: 100,
      results: Object.entries(verdicts).map(([id, verdict]) => ({ id, verdict, measured: `${id} measured` })),
    })),
    figures: [
      {
        name: 'worst loss-derived convergence',
        unit: 'ms',
        min: Math.min(...loss),
        median: [...loss].sort((a, b) => a - b)[Math.floor(loss.length / 2)]!,
        p95: Math.max(...loss),
        max: Math.max(...loss),
        samples: loss.length,
      },
    ],
  }) as unknown as ScenarioReport;

const run = (scenarios: ScenarioReport[], bfd: string): { file: string; report: RunReport } => ({
  file: 'x/run.json',
  report: {
    scenarios,
    certification: { rows: [{ id: 'R-BFD', status: bfd }] },
  } as unknown as RunReport,
});

test("report diff: a row that now fails is a regression; a figure beyond both runs' spread is one when worse", (t) => {
  const old = run(
    [
      scenario('certify-lag-member', { 'member-out': 'pass', 'bounded-loss': 'pass' }, [100, 120, 140]),
      scenario('certify-router-kill', { 'twin-carries': 'pass' }, [900, 950, 1000]),
      scenario('certify-gray-failure', { detected: 'pass' }, [800]),
    ],
    'pass',
  );
  const next = run(
    [
      scenario('certify-lag-member', { 'member-out': 'pass', 'bounded-loss': 'fail' }, [100, 130, 150]),
      scenario('certify-router-kill', { 'twin-carries': 'pass' }, [1900, 2000, 2100]),
      scenario('certify-site-down', { 'other-metro-carries': 'pass' }, [500]),
    ],
    'fail',
  );
  const d = diffRuns(old, next);
  t.true(d.regressed);
  t.deepEqual(
    d.changed.map((c) => [c.row, c.from, c.to, c.regression]),
    [
      ['certify-lag-member', 'pass', 'fail', true],
      ['certify-lag-member/bounded-loss', 'pass', 'fail', true],
      ['certificate R-BFD', 'pass', 'fail', true],
    ],
  );
  // lag-member's median moved 10 ms, within its 40-50 ms spread; router-kill's 1,050 ms, beyond 200.
  t.deepEqual(
    d.moved.map((m) => [m.scenario, m.from, m.to, m.spread, m.worse]),
    [['certify-router-kill', 950, 2000, 200, true]],
  );
  t.deepEqual(d.added, ['certify-site-down', 'certify-site-down/other-metro-carries']);
  t.deepEqual(d.missing, ['certify-gray-failure', 'certify-gray-failure/detected']);
  const md = renderDiffMarkdown(d);
  t.regex(md, /^## peerlab: \*\*regressed\*\*/);
  t.regex(md, /\| \*\*certify-lag-member\/bounded-loss\*\* \| pass \| fail \| bounded-loss measured \|/);
  t.regex(
    md,
    /\| certify-router-kill \| \*\*worst loss-derived convergence\*\* \(worse\) \| 950 ms \| 2000 ms \| 200 ms \|/,
  );
});

test('report diff: the same verdicts, and figures of one attempt each, are no regression (a change is shown, not judged)', (t) => {
  const old = run([scenario('certify-lag-member', { 'member-out': 'pass' }, [100])], 'pass');
  const next = run([scenario('certify-lag-member', { 'member-out': 'pass' }, [400])], 'pass');
  const d = diffRuns(old, next);
  t.false(d.regressed);
  t.deepEqual(d.moved, []);
  t.is(d.unjudged.length, 1);
  t.regex(renderDiffMarkdown(d), /1 figures changed with one attempt on each side/);
  t.regex(renderDiffMarkdown(d), /\| certify-lag-member \| worst loss-derived convergence \| 100 ms \| 400 ms \|/);
  // A fail that passes now, and a pass the lab could no longer measure, are changes, not regressions.
  const fixed = diffRuns(
    run([scenario('s', { a: 'fail', b: 'pass' }, [1])], 'fail'),
    run([scenario('s', { a: 'pass', b: 'inconclusive' }, [1])], 'pass'),
  );
  t.false(fixed.regressed);
  t.deepEqual(
    fixed.changed.map((c) => [c.row, c.to]),
    [
      ['s', 'pass'],
      ['s/a', 'pass'],
      ['s/b', 'inconclusive'],
      ['certificate R-BFD', 'pass'],
    ],
  );
});
