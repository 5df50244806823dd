import test from 'ava';
import { renderStability, stabilityOf } from '../src/report/stability.js';
import { runSchema, type Attempt, type RunReport } from '../src/scenario/results.js';

const attempt = (pass: boolean, outageMs: number, warnings: string[] = []): Attempt => ({
  passed: pass,
  verdict: pass ? 'pass' : 'fail',
  durationMs: 10_000,
  rate: 100,
  results: [
    {
      id: 'bounded-loss',
      kind: 'loss',
      covers: [],
      verdict: pass ? 'pass' : 'fail',
      pass,
      expected: '<= 500 ms',
      measured: `${outageMs} ms`,
      details: [],
    },
    {
      id: 'sessions-down',
      kind: 'state',
      covers: [],
      verdict: 'pass',
      pass: true,
      expected: 'down',
      measured: 'down',
      details: [],
    },
  ],
  phases: {},
  faults: [],
  flows: [],
  events: [],
  restoreMs: 1000,
  interconnects: [],
  warnings,
});

const run = (pass: boolean, outageMs: number, warnings: string[] = []): RunReport => ({
  schema: runSchema,
  startedAt: '2026-11-29T00:00:00Z',
  finishedAt: '2026-11-29T00:10:00Z',
  runtime: 'docker',
  lag: 'ovs',
  interrupted: false,
  labs: [],
  passed: pass,
  counts: { pass: pass ? 1 : 0, fail: pass ? 0 : 1, inconclusive: 0 },
  verdict: pass ? 'pass' : 'fail',
  scenarios: [
    {
      name: 'voice-site-down',
      file: 'scenarios/voice-site-down.yaml',
      topology: 'topologies/maps-voice.yaml',
      covers: ['E-GEO'],
      passed: pass,
      verdict: pass ? 'pass' : 'fail',
      attempts: [attempt(pass, outageMs, warnings)],
      figures: [
        {
          name: 'longest outage',
          unit: 'ms',
          min: outageMs,
          median: outageMs,
          p95: outageMs,
          max: outageMs,
          samples: 1,
        },
      ],
    },
    {
      name: 'voice-lag-member',
      file: 'scenarios/voice-lag-member.yaml',
      topology: 'topologies/maps-voice.yaml',
      covers: ['E-LAG-MEMBER'],
      passed: true,
      verdict: 'pass',
      attempts: [attempt(true, 20)],
      figures: [{ name: 'longest outage', unit: 'ms', min: 20, median: 20, p95: 20, max: 20, samples: 1 }],
    },
  ],
});

test('stability: a verdict that differs between runs is a flip, named with what each run measured', (t) => {
  const stability = stabilityOf([
    run(true, 130),
    run(false, 620, ['probe RTT p99 reached 1484 ms in the after phase: the lab queued packets']),
    run(true, 140, ['probe RTT p99 reached 912 ms in the after phase: the lab queued packets']),
  ]);
  t.deepEqual(stability.flipped, ['voice-site-down']);
  const site = stability.scenarios.find((s) => s.scenario === 'voice-site-down')!;
  t.is(site.passed, 2);
  t.deepEqual(site.flips, [
    { id: 'bounded-loss', passed: 2, measured: ['pass: 130 ms', 'FAIL: 620 ms', 'pass: 140 ms'] },
  ]);
  t.deepEqual(site.figures[0], {
    name: 'longest outage',
    unit: 'ms',
    values: [130, 620, 140],
    min: 130,
    median: 140,
    max: 620,
  });
  t.is(site.warnings.length, 1, 'one kind of warning, whatever its figures');
  t.is(site.warnings[0]!.runs, 2);
  const md = renderStability(stability);
  t.regex(md, /verdict flips: voice-site-down\./);
  t.regex(md, /\| voice-site-down \| 2\/3 \| 1 \| 0 \| bounded-loss \(2\/3\) \| 130 \/ 140 \/ 620 ms \|/);
  t.regex(md, /\| voice-lag-member \| 3\/3 \| 0 \| 0 \| 0 \| 20 \/ 20 \/ 20 ms \|/);
  t.regex(md, /Over all runs: 5 passed, 1 failed, 0 inconclusive\./);
});

test('stability: the same verdicts in every run are no flip', (t) => {
  const stability = stabilityOf([run(true, 130), run(true, 150)]);
  t.deepEqual(stability.flipped, []);
  t.regex(renderStability(stability), /verdict flips: none\./);
});
