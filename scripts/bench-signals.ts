// Benchmarks stopped by Ctrl-C, a time limit (SIGTERM) or a closed terminal (SIGHUP) remove their labs.
import { tearDownLab } from '../src/lab/down.js';
import { createRuntime, runtimeKinds } from '../src/runtime/select.js';

/** The labs a benchmark has made and not yet removed; on a signal each is torn down, then exit 130. */
export function labsRemovedOnSignal(): Set<string> {
  const labs = new Set<string>();
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // The benchmark's own work fails as its labs disappear: that must not end the process before they are gone.
    process.on('uncaughtException', () => {}).on('unhandledRejection', () => {});
    console.error(`${signal}: removing ${[...labs].join(', ') || 'nothing'} before exiting`);
    void (async () => {
      for (const name of labs)
        for (const kind of runtimeKinds) await tearDownLab(name, createRuntime(kind)).catch(() => {});
      console.error('removed; exiting');
      process.exit(130);
    })();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, handler);
  return labs;
}
