import type { TimelineEvent } from '../observe/timeline.js';
import { planFlows } from '../probe/flows.js';
import { analyzeCapture } from '../probe/probe.js';
import { ReadinessError } from '../lab/readiness.js';
import type { Clock } from '../util/clock.js';
import type { CarrierChain, HeadroomStep, LabCalibration } from './calibration.js';
import type { ScenarioTarget } from './record.js';

export type { CarrierChain, HeadroomStep, LabCalibration } from './calibration.js';

/** The headroom target: probe RTT p99 under this with nothing lost. */
export const targetRttMs = 20;
/** Probe rate per flow the ramp starts at or just above, and the lowest it goes to. */
const startRate = 100;
const floorRate = 10;
/** Flows per host pair in the headroom ramp (the reference scenarios' default). */
const rampPerPair = 2;
/** Traffic per ramp step after its warm-up, ms. */
const stepMs = 1000;
/** New flows through Open vSwitch's userspace datapath wait for their first upcall; later steps reuse the flows. */
const firstWarmupMs = 1000;
const stepWarmupMs = 300;
/**
 * How long receivers listen after a step's senders stop. A packet later than this is lost to the step; one
 * a quarter of a second late is a lab without headroom at any target of tens of ms, and the default second of
 * drain (what scenarios keep, for outages) would be most of each step's cost.
 */
const stepDrainMs = 250;

export interface CalibrateOptions {
  clock: Clock;
  /**
   * The most probe traffic any scenario may send (its maximum rate times its flows), pps: the ramp stops at
   * twice it, so the ceiling it finds is never the ramp's own limit below what a scenario asks.
   */
  maxPps: number;
  signal?: AbortSignal;
  progress?: (line: string) => void;
}

/** Measure the lab's forwarding headroom and carrier chain. Leaves the lab as it found it (converged). */
export async function calibrateLab(target: ScenarioTarget, options: CalibrateOptions): Promise<LabCalibration> {
  const began = options.clock.now();
  const steps = await headroomRamp(target, options);
  const ok = steps.filter((s) => s.ok);
  const best = ok.sort((a, b) => b.pps - a.pps)[0];
  const highestTried = Math.max(...steps.map((s) => s.pps));
  const carrier = await carrierChain(target, options, best ? Math.floor(best.pps / 2) : 0);
  return {
    targetRttMs,
    steps,
    ceilingPps: best?.pps ?? 0,
    ceilingAtLeast: best !== undefined && best.pps === highestTried,
    carrier,
    tookMs: Math.round(options.clock.now() - began),
  };
}

/**
 * Up by fours while the lab carries it, on rungs that end at twice the most any scenario sends (`top`,
 * starting at the lowest rung at or above `startRate`), then once back by half toward the last rate
 * carried; or down by halves until it carries one (to the floor). Two to five steps on any machine, each a
 * second or two, and never more than four times a rate the lab has carried.
 */
async function headroomRamp(target: ScenarioTarget, options: CalibrateOptions): Promise<HeadroomStep[]> {
  const top = Math.ceil((options.maxPps * 2) / rampFlows(target));
  const steps = [await headroomStep(target, firstRung(top), options, firstWarmupMs)];
  const last = () => steps.at(-1)!;
  if (!steps[0]!.ok) {
    while (!last().ok && Math.round(last().ratePerFlow / 2) >= floorRate)
      steps.push(await headroomStep(target, Math.round(last().ratePerFlow / 2), options));
    return steps;
  }
  while (last().ok && last().ratePerFlow < top)
    steps.push(await headroomStep(target, Math.min(top, last().ratePerFlow * 4), options));
  if (!last().ok) {
    const carried = steps.filter((s) => s.ok).at(-1)!.ratePerFlow;
    const between = Math.round(Math.sqrt(carried * last().ratePerFlow));
    if (between > carried && between < last().ratePerFlow) steps.push(await headroomStep(target, between, options));
  }
  return steps;
}

/** The lowest of top, top/4, top/16, ... at or above the start rate (the top itself when it is below). */
function firstRung(top: number): number {
  let rate = top;
  while (Math.round(rate / 4) >= startRate) rate = Math.round(rate / 4);
  return rate;
}

const rampFlows = (target: ScenarioTarget) => planFlows(target.model, { rate: 1, perPair: rampPerPair }).length;

async function headroomStep(
  target: ScenarioTarget,
  rate: number,
  options: CalibrateOptions,
  warmupMs = stepWarmupMs,
): Promise<HeadroomStep> {
  options.signal?.throwIfAborted();
  const flows = planFlows(target.model, { rate, perPair: rampPerPair });
  const probe = await target.startProbe(flows, { drainMs: stepDrainMs });
  let capture;
  try {
    await options.clock.sleep(warmupMs + stepMs);
  } finally {
    capture = await probe.stop();
  }
  const stats = analyzeCapture(capture, [], warmupMs);
  const p99s = stats.flatMap((f) => {
    const rtt = f.latency.find((l) => l.phase === 'all')?.rttMs;
    return rtt ? [rtt.p99] : [];
  });
  const rttP99Ms = p99s.length ? Math.max(...p99s) : null;
  const lost = stats.reduce((s, f) => s + f.lost, 0);
  const step: HeadroomStep = {
    ratePerFlow: rate,
    flows: flows.length,
    pps: rate * flows.length,
    rttP99Ms: rttP99Ms === null ? null : Math.round(rttP99Ms * 10) / 10,
    lost,
    ok: rttP99Ms !== null && rttP99Ms < targetRttMs && lost === 0,
  };
  options.progress?.(
    `self-test: ${step.pps} pps (${rate} per flow): RTT p99 ${step.rttP99Ms ?? '-'} ms, ${lost} lost: ${step.ok ? 'carried' : 'not carried'}`,
  );
  return step;
}

/**
 * Carrier loss on the first member of the first LAG of two or more members, reverted at once, under the
 * probe traffic scenarios will run with (`loadPps`, half the ceiling): a busy lab's watchers and daemons
 * react later than an idle one's (a chain measured at rest, 59 ms, was 390 ms under 8,000 pps on a
 * 2-core machine), and a bound in the lab's terms must be in the terms of the lab that is measured.
 */
async function carrierChain(
  target: ScenarioTarget,
  options: CalibrateOptions,
  loadPps: number,
): Promise<CarrierChain | { error: string }> {
  const ic = target.model.interconnects.find((i) => i.lag.memberLinks.length >= 2);
  if (!ic) return { error: 'no LAG has two members (one member down would take a session down)' };
  const member = ic.lag.memberLinks[0]!;
  options.signal?.throwIfAborted();
  const planned = planFlows(target.model, { rate: 1, perPair: rampPerPair });
  const rate = Math.floor(loadPps / Math.max(1, planned.length));
  const flows = planned.map((f) => ({ ...f, rate }));
  const probe = rate >= floorRate ? await target.startProbe(flows, { drainMs: stepDrainMs }) : undefined;
  const timeline = target.startTimeline(options.clock);
  const nodes = [ic.peerRouter, ic.edgeRouter];
  let events: TimelineEvent[] = [];
  let applyingAt = 0;
  let samplingMs = 0;
  try {
    const fault = await target.applyFault(
      { kind: 'member-down', target: member, options: {} },
      `cal${process.pid % 1000}`,
      options.clock,
    );
    applyingAt = fault.applyingAt;
    try {
      await options.clock.sleep(1000);
    } finally {
      await fault.revert();
    }
  } finally {
    const result = await timeline.stop();
    events = result.events;
    samplingMs = result.intervalMs;
    await probe?.stop();
  }
  // The change came between the last sample without it and the first with it: the middle of that. Both
  // ends must have seen it (a session falls at the end that sees it last), so the later of the two counts.
  const seen = nodes.map((node) =>
    events.find((x) => x.atMs >= applyingAt && x.node === node && x.kind === 'member' && x.to === 'disabled'),
  );
  const e = seen.every(Boolean) ? seen.sort((a, b) => a!.atMs - b!.atMs).at(-1) : undefined;
  const chain: CarrierChain = {
    interconnect: ic.id,
    member,
    lagMs: e ? Math.round((Math.max(e.sinceMs, applyingAt) + e.atMs) / 2 - applyingAt) : null,
    samplingMs,
    ...(probe ? { underPps: rate * flows.length } : {}),
  };
  options.progress?.(
    `self-test: carrier loss on ${member}: LAG driver ${chain.lagMs ?? '-'} ms; waiting for the member to rejoin`,
  );
  try {
    await target.waitControlPlane({
      timeoutMs: 120_000,
      clock: options.clock,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    if (!(e instanceof ReadinessError)) throw e;
    return { error: `the lab did not converge again after the carrier test: ${e.problems.join('; ')}` };
  }
  return chain;
}

/** The probe rate per flow for a scenario of `flows` flows: half the ceiling, at most `max`, at least the floor. */
export function chooseRate(calibration: LabCalibration | undefined, flows: number, max: number): number {
  if (!calibration) return max;
  const share = Math.floor(calibration.ceilingPps / 2 / Math.max(1, flows));
  return Math.max(floorRate, Math.min(max, share));
}

/** The lowest rate a re-run goes to. */
export const lowestRate = floorRate;

/** The measured ceiling as reports say it ("at least" when the highest rate tried was carried). */
export const ceilingText = (c: LabCalibration) => `${c.ceilingAtLeast ? 'at least ' : ''}${c.ceilingPps} pps`;

/** The labs of a run that measured themselves, each named with its topology and its lines. */
export function labMeasurements(
  labs: { name: string; topology: string; calibration?: LabCalibration }[],
): { lab: string; lines: string[] }[] {
  return labs.flatMap((l) =>
    l.calibration ? [{ lab: `${l.name} (${l.topology})`, lines: describeCalibration(l.calibration) }] : [],
  );
}

/** One line per figure, for reports: ceiling, carrier chain, and what they mean for resolution. */
export function describeCalibration(c: LabCalibration): string[] {
  const carrier =
    'error' in c.carrier
      ? `carrier chain not measured: ${c.carrier.error}`
      : `carrier chain on ${c.carrier.member}: LAG driver ${c.carrier.lagMs ?? 'never'} ms after carrier loss at both ends (sampled every ${c.carrier.samplingMs} ms${c.carrier.underPps ? `, under ${c.carrier.underPps} pps of probe traffic` : ''})`;
  return [
    `forwarding ceiling ${ceilingText(c)} in the lab (RTT p99 < ${c.targetRttMs} ms, nothing lost; tried ${c.steps.map((s) => `${s.pps}${s.ok ? '' : ' x'}`).join(', ')})`,
    carrier,
    `self-test took ${(c.tookMs / 1000).toFixed(1)} s`,
  ];
}
