/**
 * Milliseconds of the host's CLOCK_MONOTONIC. Every process on the host (and in any of its network
 * namespaces or containers) reads the same clock, so probe agents, fault injection and the
 * control-plane timeline share one time axis without synchronisation.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** What `monotonicMs` reads is passed around as this, so logic that waits or timestamps can be tested. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: monotonicMs,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
