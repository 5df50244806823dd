/**
 * Ctrl-C, SIGTERM and SIGHUP abort the work through a signal, so what was made is reverted or torn down before
 * the process exits. `on`, not `once`: a second signal while that runs must not kill the process half-way.
 * Disposing it removes the handlers.
 */
export function onInterrupt(reason: () => Error, onFirst?: () => void): AsyncDisposable & { signal: AbortSignal } {
  const abort = new AbortController();
  const handler = () => {
    if (!abort.signal.aborted) {
      onFirst?.();
      abort.abort(reason());
      return;
    }
    // A second Ctrl-C does not cut the clean-up half-way; it says what to do if the user stops it anyway.
    process.stderr.write(
      'peerlab: still reverting faults and removing what was made; if you kill it now, `peerlab down --all` removes the rest\n',
    );
  };
  process.on('SIGINT', handler).on('SIGTERM', handler).on('SIGHUP', handler);
  return {
    signal: abort.signal,
    [Symbol.asyncDispose]: async () =>
      void process.off('SIGINT', handler).off('SIGTERM', handler).off('SIGHUP', handler),
  };
}
