import test from 'ava';
import { sideBySide, sideBySideMarkdown } from '../src/report/side-by-side.js';
import type { RunReport, ScenarioReport } from '../src/scenario/results.js';

// One scenario on two labs: OVS userspace LAGs on the host, kernel bonds in a guest.
const scenario = (verdict: string, events: object[], loss: number, restoreMs: number | null): ScenarioReport =>
  ({
    name: 'voice-lag-member',
    covers: ['E-LAG-MEMBER'],
    verdict,
    attempts: [
      {
        rate: 100,
        faults: [{ name: 'member-down', appliedMs: 5000, revertedMs: 9000 }],
        events,
        flows: [
          { lossDerivedMs: loss, longestOutageMs: loss / 2 },
          { lossDerivedMs: 0, longestOutageMs: 0 },
        ],
        restoreMs,
      },
    ],
  }) as unknown as ScenarioReport;

const run = (runtime: string, lag: string, s: ScenarioReport[]): RunReport =>
  ({
    runtime,
    lag,
    counts: { pass: 1, fail: 0, inconclusive: 0 },
    labs: [{ name: 'run-voice', calibration: { ceilingPps: 4000 } }],
    scenarios: s,
  }) as unknown as RunReport;

test("side by side: per scenario, each run's verdict, its first reaction after the fault, worst loss and restore", (t) => {
  const host = run('netns', 'ovs', [
    scenario(
      'pass',
      [
        { kind: 'bgp', node: 'ams-msee1', from: 'Established', to: 'Idle', atMs: 4000 },
        { kind: 'member', node: 'ams-pe1', to: 'disabled', atMs: 5120 },
        { kind: 'bfd', node: 'ams-pe1', to: 'down', atMs: 6000 },
      ],
      220,
      1500,
    ),
  ]);
  const guest = run('netns', 'kernel', [scenario('inconclusive', [], 0, null)]);
  const [row] = sideBySide([host, guest]);
  // The BGP fall before the fault is not a reaction to it.
  t.deepEqual(row!.runs[0]!.reaction, { kind: 'member', node: 'ams-pe1', ms: 120 });
  t.like(row!.runs[0], { verdict: 'pass', lossMs: 220, outageMs: 110, restoreMs: 1500 });
  t.like(row!.runs[1], { verdict: 'inconclusive', lossMs: 0, restoreMs: null });
  const md = sideBySideMarkdown([
    { label: 'OVS (host)', report: host },
    { label: 'kernel bonds (guest)', report: guest },
  ]);
  t.regex(md, /^- \*\*kernel bonds \(guest\)\*\*: netns runtime, kernel LAGs; .* run-voice ceiling 4000 pps$/m);
  t.regex(
    md,
    /^\| voice-lag-member \| E-LAG-MEMBER \| pass \| \*\*INCONCLUSIVE\*\* \| member 120 ms \| none \| 220 ms \(outage 110\) \| 0 ms \(outage 0\) \| 1\.5 s \| - \|$/m,
  );
});

test('a scenario only one run has shows a dash for the other', (t) => {
  const host = run('netns', 'ovs', [scenario('pass', [], 0, 100)]);
  const [row] = sideBySide([host, run('netns', 'kernel', [])]);
  t.is(row!.runs[1], undefined);
  t.regex(
    sideBySideMarkdown([
      { label: 'a', report: host },
      { label: 'b', report: run('netns', 'kernel', []) },
    ]),
    /\| pass \| - \|/,
  );
});
