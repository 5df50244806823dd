import { EnvironmentError, InputError, LabError } from '../errors.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Lab } from '../lab/lab.js';
import { runCommand, type Runner } from '../util/run.js';
import { NftSession } from './nft-session.js';
import type { FaultRecorder } from '../lab/fault-records.js';
import { planFault, type FaultPlan, type FaultSpec, type FaultStep } from './plan.js';

/** An applied fault; disposing it (or calling revert) runs the exact revert on every node it touched. */
export interface ActiveFault extends AsyncDisposable {
  plan: FaultPlan;
  /** When the apply commands started, and when they had all run (host CLOCK_MONOTONIC ms, see util/clock). */
  applyingAt: number;
  appliedAt: number;
  revert(): Promise<number>;
}

/** What injecting needs of a lab: where its nodes' namespaces are, and a way to run commands in them. */
export type FaultLab = Pick<Lab, 'name' | 'exec'> & { runtime: Pick<Lab['runtime'], 'toolNamespaces'> };

export interface InjectOptions {
  clock?: Clock;
  /** Runs the host-side (nsenter) commands. */
  run?: Runner;
  /** Opens the nft session a node's nft scripts go through (default: the node's `nft -i`, entered with these nsenter arguments). */
  openNft?: (namespaces: string[], ackTable: string) => Promise<NftApplier>;
  /** Keeps the fault in the lab's state while it may be applied (a killed process leaves it there). */
  recorder?: FaultRecorder;
}

export type NftApplier = Pick<NftSession, 'apply' | 'close'>;

/**
 * Apply a fault on all its nodes at once. Each step's `prepare` runs first and untimed; the apply
 * commands are the fault. If any node fails, what was applied is reverted before the error.
 */
export async function injectFault(lab: FaultLab, plan: FaultPlan, options: InjectOptions = {}): Promise<ActiveFault> {
  const { clock = systemClock, run: runHost = runCommand } = options;
  const openNft = options.openNft ?? ((namespaces: string[], ack: string) => NftSession.open(namespaces, ack));
  const netns = new Map<string, string[]>();
  for (const step of plan.steps.filter((s) => s.netOnly))
    netns.set(step.node, await lab.runtime.toolNamespaces(lab.name, step.node));
  const sessions = new Map<string, Promise<NftApplier>>();
  const nftOf = (node: string) => {
    if (!sessions.has(node)) sessions.set(node, openNft(netns.get(node)!, `peerlab_ack_${plan.id}`));
    return sessions.get(node)!;
  };
  const run = async (step: FaultStep, commands: string[][] = []) => {
    for (const command of commands) {
      if (step.netOnly && command[0] === 'nft' && command.length === 2)
        await (await nftOf(step.node)).apply(command[1]!);
      else if (step.netOnly) await runHost(['nsenter', ...netns.get(step.node)!, '--', ...command]);
      else await lab.exec(step.node, command);
    }
  };
  const closeSessions = async () => {
    await Promise.allSettled([...sessions.values()].map(async (s) => (await s).close()));
    sessions.clear();
  };
  const each = async (steps: FaultStep[], commands: (s: FaultStep) => string[][] | undefined) => {
    const results = await Promise.allSettled(steps.map((s) => run(s, commands(s))));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  };
  const cleanUp = async () => {
    try {
      await each(plan.steps, (s) => s.cleanup);
    } finally {
      await closeSessions();
    }
  };

  const applied: FaultStep[] = [];
  // The record goes only once everything is undone: a fault whose revert failed stays for `peerlab revert`.
  const revertAll = async () => {
    try {
      await each(applied, (s) => s.revert);
    } finally {
      await cleanUp();
    }
    await options.recorder?.reverted(plan);
    return clock.now();
  };
  await checkNeeds(plan, runHost);
  await options.recorder?.applying(plan);
  try {
    await each(plan.steps, (s) => s.prepare);
  } catch (error) {
    await cleanUp().then(
      () => options.recorder?.reverted(plan),
      (failed: unknown) => {
        throw undone(lab.name, plan, 'be prepared', error, failed);
      },
    );
    throw error;
  }
  const applying = clock.now();
  const outcomes = await Promise.allSettled(
    plan.steps.map(async (step) => {
      applied.push(step);
      await run(step, step.apply);
    }),
  );
  const failure = outcomes.find((o) => o.status === 'rejected');
  if (failure) {
    const error = (failure as PromiseRejectedResult).reason as unknown;
    await revertAll().catch((failed: unknown) => {
      throw undone(lab.name, plan, 'be applied', error, failed);
    });
    throw error;
  }
  const appliedAt = clock.now();
  let reverted: Promise<number> | undefined;
  const revert = () => (reverted ??= revertAll());
  return {
    plan,
    applyingAt: applying,
    appliedAt,
    revert,
    [Symbol.asyncDispose]: async () => void (await revert()),
  };
}

/** A fault that failed, and whose undoing failed too: both errors kept, and what the user can do. */
function undone(lab: string, plan: FaultPlan, stage: string, error: unknown, failed: unknown): LabError {
  const text = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return new LabError(
    `fault ${plan.kind} ${plan.target} could not ${stage} (${text(error)}), and undoing it failed too (${text(failed)}); ` +
      `it may still be applied: peerlab revert ${lab}`,
    { cause: new AggregateError([error, failed], 'the fault, then its undoing') },
  );
}

/**
 * A kernel without a module a fault needs (this CI host has no netem) is the environment's limit, not a
 * lab failure: asked of the kernel (built in or loaded, or loadable), before anything is applied.
 */
async function checkNeeds(plan: FaultPlan, run: Runner): Promise<void> {
  for (const module of plan.needs ?? []) {
    const present = await run(['test', '-e', `/sys/module/${module}`], { allowFailure: true });
    if (present.exitCode === 0) continue;
    const loadable = await run(['modprobe', '--dry-run', '--quiet', module], { allowFailure: true });
    if (loadable.exitCode !== 0)
      throw new EnvironmentError(
        `${plan.kind} needs the kernel module ${module}, which this kernel does not have: run it where the kernel has it, such as a typical Linux host or the QEMU guest (scripts/guest.sh)`,
      );
  }
}

/** Plan a fault on a running lab: its folders and LAG driver come from the lab. */
export function planLabFault(lab: Lab, spec: FaultSpec, id: string): FaultPlan {
  return planFault(lab.model, spec, { id, dirs: (n) => lab.dirs(n), lag: lab.lag });
}

export interface FlapOptions {
  count: number;
  /** From one failure to the next, ms. */
  periodMs: number;
  /** How long each failure lasts, ms (less than the period). */
  downMs: number;
  /** Called with each failure's apply and revert times. */
  onCycle?: (cycle: { applyingAt: number; appliedAt: number; revertedAt: number }) => void;
  signal?: AbortSignal;
  clock?: Clock;
  run?: Runner;
  openNft?: InjectOptions['openNft'];
  recorder?: FaultRecorder;
}

/** `flap`: apply and revert the same fault `count` times, one failure per period. Reverted even when interrupted. */
export async function flapFault(lab: FaultLab, plan: FaultPlan, options: FlapOptions): Promise<void> {
  if (options.downMs >= options.periodMs)
    throw new InputError(`flap: down time ${options.downMs} ms must be shorter than the period ${options.periodMs} ms`);
  const clock = options.clock ?? systemClock;
  for (let i = 0; i < options.count; i++) {
    options.signal?.throwIfAborted();
    const began = clock.now();
    const fault = await injectFault(lab, plan, {
      clock,
      ...(options.run ? { run: options.run } : {}),
      ...(options.openNft ? { openNft: options.openNft } : {}),
      ...(options.recorder ? { recorder: options.recorder } : {}),
    });
    try {
      await clock.sleep(Math.max(0, options.downMs - (clock.now() - fault.appliedAt)));
    } finally {
      const revertedAt = await fault.revert();
      options.onCycle?.({ applyingAt: fault.applyingAt, appliedAt: fault.appliedAt, revertedAt });
    }
    if (i < options.count - 1) await clock.sleep(Math.max(0, options.periodMs - (clock.now() - began)));
  }
}
