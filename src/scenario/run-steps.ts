import type { ActiveFault } from '../faults/inject.js';
import type { BeforeFault } from '../lab/expected.js';
import { ReadinessError } from '../lab/readiness.js';
import type { RunningTimeline } from '../observe/timeline.js';
import type { Clock } from '../util/clock.js';
import type { MarkRecord } from './mark.js';
import type { FaultRecord, ScenarioTarget, WaitRecord } from './record.js';
import type { Step } from './step.js';

type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

/** Sleep, but wake and throw the signal's reason as soon as it aborts. */
export async function sleepUnlessAborted(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  if (!signal) return clock.sleep(ms);
  let onAbort: (() => void) | undefined;
  await Promise.race([
    clock.sleep(ms),
    new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
    }),
  ]);
  signal.removeEventListener('abort', onAbort!);
  signal.throwIfAborted();
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'wait':
      return `wait ${step.until}`;
    case 'fault':
      return `fault ${step.fault.kind} ${step.fault.target}`;
    case 'revert':
      return `revert ${step.name}`;
    case 'hold':
      return `hold ${step.ms} ms`;
    case 'flap':
      return `flap ${step.fault.kind} ${step.fault.target} x${step.count}`;
    case 'mark':
      return `mark ${step.name}`;
  }
}

/**
 * Does one run's steps on its target, one at a time, and keeps what they recorded: every fault as it was
 * applied and reverted (each also marked on the timeline), every wait, every mark. The faults still
 * applied are its to revert (`revertAll`), whatever ended the steps.
 */
export class StepRunner {
  readonly faults: FaultRecord[] = [];
  readonly waits: WaitRecord[] = [];
  readonly marks: MarkRecord[] = [];
  private readonly active = new Map<string, { fault: ActiveFault; record: FaultRecord }>();
  private faultSeq = 0;
  /** What the routers had before the first fault (the timeline's latest sample): `wait: restored` waits for it again. */
  private before: BeforeFault | undefined;

  constructor(
    private readonly target: ScenarioTarget,
    private readonly timeline: RunningTimeline,
    private readonly clock: Clock,
    private readonly signal?: AbortSignal,
  ) {}

  async run(step: Step): Promise<void> {
    switch (step.kind) {
      case 'hold':
        return sleepUnlessAborted(this.clock, step.ms, this.signal);
      case 'mark':
        this.marks.push(await this.target.readMark(step.name, this.clock.now()));
        return;
      case 'fault':
        return this.apply(step);
      case 'revert':
        for (const name of step.name === 'all' ? [...this.active.keys()] : [step.name]) await this.revert(name);
        return;
      case 'flap':
        return this.flap(step);
      case 'wait':
        return this.wait(step);
    }
  }

  /** Revert every fault still applied, in the order they were applied. */
  async revertAll(): Promise<void> {
    for (const name of [...this.active.keys()]) await this.revert(name);
  }

  /** Unique in the run (and among runs of this process): it names what the fault adds, such as nft tables. */
  private faultId(): string {
    return `s${process.pid % 1000}x${this.faultSeq++}`;
  }

  private mark(r: FaultRecord, to: 'applied' | 'reverted', atMs: number): void {
    this.timeline.mark({ node: '-', kind: 'fault', subject: r.name, to, atMs });
  }

  private get signalOption(): { signal?: AbortSignal } {
    return this.signal ? { signal: this.signal } : {};
  }

  private beforeFirstFault(): void {
    this.before ??= this.timeline.beforeFault();
  }

  private async apply(step: StepOf<'fault'>): Promise<void> {
    this.beforeFirstFault();
    const fault = await this.target.applyFault(step.fault, this.faultId(), this.clock);
    const record: FaultRecord = {
      name: step.name,
      kind: step.fault.kind,
      target: step.fault.target,
      applyingAt: fault.applyingAt,
      appliedAt: fault.appliedAt,
    };
    this.faults.push(record);
    this.active.set(step.name, { fault, record });
    this.mark(record, 'applied', fault.appliedAt);
  }

  private async revert(name: string): Promise<void> {
    const entry = this.active.get(name)!;
    this.active.delete(name);
    entry.record.revertedAt = await entry.fault.revert();
    this.mark(entry.record, 'reverted', entry.record.revertedAt);
  }

  private flap(step: StepOf<'flap'>): Promise<void> {
    this.beforeFirstFault();
    return this.target.flap(step.fault, this.faultId(), {
      count: step.count,
      periodMs: step.periodMs,
      downMs: step.downMs,
      clock: this.clock,
      ...this.signalOption,
      onCycle: (c) => {
        const record = {
          name: `${step.fault.kind} ${step.fault.target}`,
          kind: step.fault.kind,
          target: step.fault.target,
          ...c,
        };
        this.faults.push(record);
        this.mark(record, 'applied', c.appliedAt);
        this.mark(record, 'reverted', c.revertedAt);
      },
    });
  }

  /** Until the control plane is as expected; a wait that times out is recorded with what was still wrong. */
  private async wait(step: StepOf<'wait'>): Promise<void> {
    const startedAt = this.clock.now();
    try {
      await this.target.waitControlPlane({
        timeoutMs: step.timeoutMs,
        clock: this.clock,
        ...this.signalOption,
        ...(step.until === 'restored' && this.before ? { before: this.before } : {}),
      });
      this.waits.push({ until: step.until, startedAt, doneAt: this.clock.now() });
    } catch (e) {
      if (!(e instanceof ReadinessError)) throw e;
      this.waits.push({ until: step.until, startedAt, doneAt: this.clock.now(), problems: e.problems });
      throw e;
    }
  }
}
