/**
 * Ctrl-C, SIGTERM and SIGHUP abort the work through a signal, so what was made is reverted or torn down before
 * the process exits. `on`, not `once`: a second signal while that runs must not kill the process half-way.
 * Disposing it removes the handlers.
 */
export function onInterrupt(reason: () => Error, onFirst?: () => void): AsyncDisposable & { signal: AbortSignal } {
  const abort = new AbortController();
  const handler = () => {
    if (!abort.signal.aborted) onFirst?.();
    abort.abort(reason());
  };
  process.on('SIGINT', handler).on('SIGTERM', handler).on('SIGHUP', handler);
  return {
    signal: abort.signal,
    [Symbol.asyncDispose]: async () =>
      void process.off('SIGINT', handler).off('SIGTERM', handler).off('SIGHUP', handler),
  };
}
