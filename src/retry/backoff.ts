import type { ErrorClass } from "./transient.js";

export interface BackoffOptions {
  /** The wait before the first retry, doubled for each retry after it (default 500 ms). */
  baseMs: number;
  /** No computed wait is longer (default 30 s). */
  maxMs: number;
  /** A server asking for a longer wait than this is obeyed only up to it (default 120 s). */
  maxRetryAfterMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 30_000, maxRetryAfterMs: 120_000 };

/**
 * How long to wait before retry number `retry` (1 for the first retry). A server's Retry-After is
 * honoured, plus up to 10% (at most 1 s) so clients told the same time do not all come back at
 * once. Otherwise exponential backoff with "equal jitter": half the step, plus a random share of
 * the other half, so a wait is never near zero and callers spread out.
 */
export function retryDelay(retry: number, failure: Pick<ErrorClass, "retryAfterMs">, options: BackoffOptions = defaultBackoff, random: () => number = Math.random): number {
  if (failure.retryAfterMs !== null) {
    const asked = Math.min(failure.retryAfterMs, options.maxRetryAfterMs);
    return Math.round(asked + random() * Math.min(1000, asked * 0.1));
  }
  const step = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

// The timers as they were when evalwire loaded: a task's code, in the same thread, may fake the global ones.
const { setTimeout, clearTimeout } = globalThis;

/** Waits `ms`, or less when `signal` aborts (resolves false then). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((wake) => {
    const onAbort = () => {
      clearTimeout(timer);
      wake(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      wake(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
