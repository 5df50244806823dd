import type { Lab } from '../lab/lab.js';
import type { FaultPlan } from './primitives.js';

/** An applied fault; disposing it (or calling revert) runs the exact revert on every node it touched. */
export interface ActiveFault extends AsyncDisposable {
  plan: FaultPlan;
  /** Monotonic milliseconds (performance.now) when the apply commands had run. */
  appliedAt: number;
  revert(): Promise<number>;
}

/** Apply a fault on all its nodes at once. If any node fails, what was applied is reverted before the error. */
export async function injectFault(lab: Lab, plan: FaultPlan): Promise<ActiveFault> {
  const applied: FaultPlan['steps'] = [];
  const run = async (node: string, commands: string[][]) => {
    for (const command of commands) await lab.exec(node, command);
  };
  const revertAll = async () => {
    const results = await Promise.allSettled(applied.map((s) => run(s.node, s.revert)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return performance.now();
  };
  const outcomes = await Promise.allSettled(
    plan.steps.map(async (step) => {
      applied.push(step);
      await run(step.node, step.apply);
    }),
  );
  const failure = outcomes.find((o) => o.status === 'rejected');
  if (failure) {
    await revertAll().catch(() => {});
    throw (failure as PromiseRejectedResult).reason;
  }
  const appliedAt = performance.now();
  let reverted: Promise<number> | undefined;
  const revert = () => (reverted ??= revertAll());
  return { plan, appliedAt, revert, [Symbol.asyncDispose]: async () => void (await revert()) };
}
