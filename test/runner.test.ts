import test from 'ava';
import { CommandError, InterruptedError } from '../src/errors.js';
import type { ActiveFault } from '../src/faults/inject.js';
import { ReadinessError } from '../src/lab/readiness.js';
import type { TimelineEvent } from '../src/observe/timeline.js';
import type { FlowPlan } from '../src/probe/flows.js';
import type { Scenario, Step } from '../src/scenario/model.js';
import { oneFaultScenario } from '../src/scenario/one-fault.js';
import { runScenario, warmupMs, type ScenarioTarget } from '../src/scenario/run.js';
import { loadTopology } from '../src/topology/load.js';
import type { Clock } from '../src/util/clock.js';

/** Virtual time: sleeping advances it at once; sleeps of `hangMs` or more never end (to interrupt them). */
function virtualClock(hangMs = Infinity): Clock {
  let now = 1000;
  return {
    now: () => now,
    sleep: (ms) => (ms >= hangMs ? new Promise(() => {}) : Promise.resolve(void (now += ms))),
  };
}

/** A lab that records what the runner asked of it, in order; faults take 5 ms to apply and 3 to revert. */
function fakeLab(clock: Clock, behaviour: { failFault?: string; waitTimesOut?: boolean } = {}) {
  const calls: string[] = [];
  const marks: Omit<TimelineEvent, 'sinceMs'>[] = [];
  const before: unknown[] = [];
  const target: ScenarioTarget = {
    model: undefined as never,
    defaultRate: 100,
    async startProbe(flows: FlowPlan[]) {
      calls.push('probe started');
      const startedAt = clock.now();
      return {
        flows,
        startedAt,
        stop: async () => (calls.push('probe stopped'), { flows, startedAt, stoppedAt: clock.now(), results: [] }),
        [Symbol.asyncDispose]: async () => {},
      };
    },
    startTimeline() {
      return {
        mark: (e) => void marks.push({ ...e, atMs: e.atMs ?? clock.now() }),
        beforeFault: () => ({ received: { 'ams-pe1': { '198.51.100.0': 280 } }, fib: { 'ams-pe1': 284 } }),
        stop: async () => (
          calls.push('timeline stopped'),
          { intervalMs: 100, startedAt: 0, stoppedAt: clock.now(), samples: 0, events: [], counters: [] }
        ),
      };
    },
    async applyFault(spec) {
      if (behaviour.failFault === spec.target) throw new CommandError(['nft'], 1, `cannot apply on ${spec.target}`);
      calls.push(`apply ${spec.kind} ${spec.target}`);
      const applyingAt = clock.now();
      await clock.sleep(5);
      return {
        plan: undefined as never,
        applyingAt,
        appliedAt: clock.now(),
        revert: async () => {
          calls.push(`revert ${spec.kind} ${spec.target}`);
          await clock.sleep(3);
          return clock.now();
        },
        [Symbol.asyncDispose]: async () => {},
      } satisfies ActiveFault;
    },
    async flap(spec, _id, o) {
      for (let i = 0; i < o.count; i++) {
        const applyingAt = clock.now();
        calls.push(`flap ${spec.target} ${i + 1}`);
        await clock.sleep(o.downMs);
        o.onCycle?.({ applyingAt, appliedAt: applyingAt, revertedAt: clock.now() });
        await clock.sleep(o.periodMs - o.downMs);
      }
    },
    async waitControlPlane(o) {
      calls.push('wait');
      before.push(o.before);
      await clock.sleep(250);
      if (behaviour.waitTimesOut)
        throw new ReadinessError('fake', ['a-pe1: BGP a/ic1 to 192.0.2.1 is Active'], o.timeoutMs);
    },
    async readMark(name, atMs) {
      calls.push(`mark ${name}`);
      return { name, atMs, snapshots: {}, prefixes: {}, received: {}, paths: {} };
    },
  };
  return { target, calls, marks, before };
}

const scenario = (steps: Step[]): Scenario => ({
  name: 'unit',
  file: 'unit.yaml',
  topology: 'unit-topology.yaml',
  covers: [],
  probe: { hosts: [] },
  steps,
  expect: [],
});
const fault = (target: string, name = target): Step => ({
  kind: 'fault',
  fault: { kind: 'link-blackhole', target, options: {} },
  name,
});

test.before(async (t) => {
  // The runner plans probe flows from the model; no hosts are chosen, so none are planned.
  (t.context as { model: unknown }).model = await loadTopology('topologies/maps-voice.yaml');
});

const withModel = (t: { context: unknown }, lab: ReturnType<typeof fakeLab>) => {
  lab.target.model = (t.context as { model: ScenarioTarget['model'] }).model;
  return lab;
};

test('steps run in order after the warm-up; phases, restore time and timeline marks come from what ran', async (t) => {
  const clock = virtualClock();
  const lab = withModel(t, fakeLab(clock));
  const record = await runScenario(
    lab.target,
    scenario([
      { kind: 'wait', until: 'converged', timeoutMs: 60_000 },
      { kind: 'hold', ms: 2000 },
      fault('ams/ic1', 'gray'),
      { kind: 'hold', ms: 3000 },
      { kind: 'mark', name: 'failed' },
      { kind: 'revert', name: 'gray' },
      { kind: 'wait', until: 'restored', timeoutMs: 60_000 },
      { kind: 'hold', ms: 1000 },
    ]),
    { clock },
  );
  t.deepEqual(lab.calls, [
    'probe started',
    'wait',
    'apply link-blackhole ams/ic1',
    'mark failed',
    'revert link-blackhole ams/ic1',
    'wait',
    'probe stopped',
    'timeline stopped',
  ]);
  const start = 1000;
  const applying = start + warmupMs + 250 + 2000;
  t.deepEqual(record.faults, [
    {
      name: 'gray',
      kind: 'link-blackhole',
      target: 'ams/ic1',
      applyingAt: applying,
      appliedAt: applying + 5,
      revertedAt: applying + 5 + 3000 + 3,
    },
  ]);
  const reverted = applying + 3008;
  t.deepEqual(
    record.phases.before,
    { fromMs: start + warmupMs, toMs: applying },
    'before ends when the fault starts to apply',
  );
  t.deepEqual(record.phases.during, { fromMs: applying, toMs: reverted });
  t.deepEqual(record.phases.after, { fromMs: reverted, toMs: reverted + 250 + 1000 });
  t.deepEqual(record.phases.restored, { fromMs: reverted + 250, toMs: reverted + 1250 });
  t.is(record.restoreMs, 250);
  t.deepEqual(
    lab.marks.filter((m) => m.kind === 'fault').map((m) => [m.subject, m.to, m.atMs]),
    [
      ['gray', 'applied', applying + 5],
      ['gray', 'reverted', reverted],
    ],
  );
  t.is(record.error, undefined);
});

test('wait: restored asks for what every session had accepted and every kernel held before the first fault; wait: converged does not', async (t) => {
  const clock = virtualClock();
  const lab = withModel(t, fakeLab(clock));
  await runScenario(
    lab.target,
    scenario([
      { kind: 'wait', until: 'converged', timeoutMs: 60_000 },
      fault('ams/ic1', 'gray'),
      { kind: 'revert', name: 'gray' },
      { kind: 'wait', until: 'restored', timeoutMs: 60_000 },
    ]),
    { clock },
  );
  t.deepEqual(lab.before, [undefined, { received: { 'ams-pe1': { '198.51.100.0': 280 } }, fib: { 'ams-pe1': 284 } }]);
});

test('a fault still applied at the end is reverted; a failing fault reverts the others and stops the traffic', async (t) => {
  const clock = virtualClock();
  const ended = withModel(t, fakeLab(clock));
  const record = await runScenario(ended.target, scenario([fault('ams/ic1'), { kind: 'hold', ms: 500 }]), { clock });
  t.true(ended.calls.includes('revert link-blackhole ams/ic1'), 'reverted at the end');
  t.true(record.faults[0]!.revertedAt !== undefined);

  const failing = withModel(t, fakeLab(clock, { failFault: 'fra/ic1' }));
  const error = await t.throwsAsync(
    runScenario(failing.target, scenario([fault('ams/ic1'), fault('fra/ic1'), { kind: 'hold', ms: 500 }]), { clock }),
    { instanceOf: CommandError },
  );
  t.regex(error!.message, /cannot apply on fra\/ic1/);
  t.deepEqual(failing.calls, [
    'probe started',
    'apply link-blackhole ams/ic1',
    'revert link-blackhole ams/ic1',
    'probe stopped',
    'timeline stopped',
  ]);
});

test('a wait that times out ends the steps, keeps what was measured and names what was not ready', async (t) => {
  const clock = virtualClock();
  const lab = withModel(t, fakeLab(clock, { waitTimesOut: true }));
  const record = await runScenario(
    lab.target,
    scenario([fault('ams/ic1'), { kind: 'wait', until: 'restored', timeoutMs: 1000 }, { kind: 'mark', name: 'never' }]),
    { clock },
  );
  t.regex(record.error ?? '', /did not converge.*a-pe1: BGP a\/ic1/s);
  t.false(lab.calls.includes('mark never'), 'no step after the failed wait');
  t.true(lab.calls.includes('revert link-blackhole ams/ic1'));
  t.deepEqual(record.waits[0]?.problems, ['a-pe1: BGP a/ic1 to 192.0.2.1 is Active']);
});

test('an interrupt during a hold ends it at once, reverts the fault and stops the traffic', async (t) => {
  const clock = virtualClock(60_000);
  const lab = withModel(t, fakeLab(clock));
  const abort = new AbortController();
  const running = runScenario(lab.target, scenario([fault('ams/ic1'), { kind: 'hold', ms: 3_600_000 }]), {
    clock,
    signal: abort.signal,
    progress: (step) => {
      if (step.startsWith('hold')) setTimeout(() => abort.abort(new InterruptedError('interrupted')), 10);
    },
  });
  await t.throwsAsync(running, { instanceOf: InterruptedError });
  t.deepEqual(lab.calls.slice(-3), ['revert link-blackhole ams/ic1', 'probe stopped', 'timeline stopped']);
});

test('peerlab fault is a scenario of one fault: hold, fault, hold, revert, hold; a flap the same around the flap', async (t) => {
  const model = (t.context as { model: ScenarioTarget['model'] }).model;
  const single = oneFaultScenario(model, {
    fault: { kind: 'lag-down', target: 'ams/ic1' },
    holdMs: 5000,
    beforeMs: 2000,
    afterMs: 3000,
  });
  t.deepEqual(
    single.steps.map((s) => s.kind),
    ['hold', 'fault', 'hold', 'revert', 'hold'],
  );
  const clock = virtualClock();
  const lab = withModel(t, fakeLab(clock));
  const record = await runScenario(lab.target, { ...single, probe: { hosts: [] } }, { clock });
  t.is(record.phases.before!.toMs - record.phases.before!.fromMs, 2000, 'before: --before after the warm-up');
  t.is(record.phases.during!.toMs - record.phases.during!.fromMs, 5 + 5000 + 3, 'during: apply, --hold, revert');
  t.is(record.phases.after!.toMs - record.phases.after!.fromMs, 3000, 'after: --after');

  const flap = oneFaultScenario(model, {
    fault: { kind: 'member-down', target: 'ams/ic1/m1' },
    holdMs: 1000,
    beforeMs: 2000,
    afterMs: 3000,
    flap: { count: 3, periodMs: 4000 },
  });
  const flapLab = withModel(t, fakeLab(clock));
  const flapped = await runScenario(flapLab.target, { ...flap, probe: { hosts: [] } }, { clock });
  t.is(flapped.faults.length, 3);
  t.deepEqual(
    flapLab.calls.filter((c) => c.startsWith('flap')),
    ['flap ams/ic1/m1 1', 'flap ams/ic1/m1 2', 'flap ams/ic1/m1 3'],
  );
  t.throws(
    () =>
      oneFaultScenario(model, { fault: { kind: 'lag-down', target: 'ams-pe1' }, holdMs: 1, beforeMs: 0, afterMs: 0 }),
    { message: /lag-down takes a interconnect target/ },
    'the target is bound before any traffic',
  );
});
