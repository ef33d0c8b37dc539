import { andThen, type Maybe } from "../maybe.js";
import type { Attempt } from "../types.js";
import { type BackoffOptions, defaultBackoff, retryDelay, sleep } from "./backoff.js";
import type { ErrorClass } from "./transient.js";

export type { Attempt };

/** One task call's outcome, as plain data (see classifyError); `detail` is the caller's own. */
export type AttemptOutcome<T, D = unknown> = { ok: true; value: T } | { ok: false; error: string; failure: ErrorClass; detail?: D };

export interface RetryOptions {
  /** Tries after the first (`--retries`, default 0). */
  retries: number;
  /** Stops waiting and trying when it aborts (Ctrl-C). */
  signal?: AbortSignal;
  backoff?: BackoffOptions;
  random?: () => number;
  wait?: (ms: number, signal?: AbortSignal) => Promise<boolean>;
}

/** The last outcome (null when a call was interrupted) and every attempt, the failed ones included. */
export interface Retried<T, D> {
  outcome: AttemptOutcome<T, D> | null;
  attempts: Attempt[];
}

/**
 * Calls `call` until it succeeds, fails with an error that is not transient, or has been retried
 * `retries` times; waits between tries as retryDelay says. Returns the last outcome (null when a
 * call was interrupted) and every attempt, the failed ones included, so the result can show what
 * happened. When a call returns its outcome at once (not a promise) and needs no retry, so does this.
 */
export function withRetries<T, D>(call: (attempt: number) => Maybe<AttemptOutcome<T, D> | null>, options: RetryOptions): Maybe<Retried<T, D>> {
  const wait = options.wait ?? sleep;
  const tryFrom = (attempt: number, before: Attempt[]): Maybe<Retried<T, D>> =>
    andThen(call(attempt), (outcome) => {
      if (outcome === null) return { outcome, attempts: before };
      if (outcome.ok) return { outcome, attempts: [...before, { attempt, error: null, status: null, retriedBecause: null, waitedMs: 0 }] };
      const retry = outcome.failure.transient !== null && attempt <= options.retries && !options.signal?.aborted;
      const waitedMs = retry ? retryDelay(attempt, outcome.failure, options.backoff ?? defaultBackoff, options.random) : 0;
      const failed = (retriedBecause: ErrorClass["transient"], waitedMs: number): Attempt[] => [
        ...before,
        { attempt, error: outcome.error, status: outcome.failure.status, retriedBecause, waitedMs },
      ];
      if (!retry) return { outcome, attempts: failed(null, 0) };
      return wait(waitedMs, options.signal).then((waited) =>
        // Interrupted while waiting: there was no next try.
        waited ? tryFrom(attempt + 1, failed(outcome.failure.transient, waitedMs)) : { outcome, attempts: failed(null, 0) },
      );
    });
  return tryFrom(1, []);
}
