import type { AdaptiveConcurrency } from "./adaptive-concurrency.js";
import { defaultBackoff, retryDelay, sleep, type BackoffOptions } from "./backoff.js";
import type { ErrorClass } from "./transient.js";

/** One task call's outcome, as plain data (see classifyError). */
export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: string; failure: ErrorClass };

/** One try, as recorded with the result. */
export interface Attempt {
  /** 1 for the first call. */
  attempt: number;
  error: string | null;
  /** Why it was retried ("HTTP 429", "ECONNRESET"...), when it was. */
  retriedBecause: string | null;
  /** The wait before the next try, when there was one. */
  waitedMs: number;
}

export interface RetryOptions {
  /** Tries after the first (`--retries`, default 0). */
  retries: number;
  /** Stops waiting and trying when it aborts (Ctrl-C). */
  signal?: AbortSignal;
  backoff?: BackoffOptions;
  /** Told of every 429 and every other finished call. */
  concurrency?: AdaptiveConcurrency;
  random?: () => number;
  wait?: (ms: number, signal?: AbortSignal) => Promise<boolean>;
}

/**
 * Calls `call` until it succeeds, fails with an error that is not transient, or has been retried
 * `retries` times; waits between tries as retryDelay says. Returns the last outcome and every
 * attempt, the failed ones included, so the result can show what happened.
 */
export async function withRetries<T>(call: (attempt: number) => Promise<AttemptOutcome<T>>, options: RetryOptions): Promise<{ outcome: AttemptOutcome<T>; attempts: Attempt[] }> {
  const attempts: Attempt[] = [];
  const wait = options.wait ?? sleep;
  for (let attempt = 1; ; attempt++) {
    const outcome = await call(attempt);
    if (outcome.ok) {
      options.concurrency?.succeeded();
      attempts.push({ attempt, error: null, retriedBecause: null, waitedMs: 0 });
      return { outcome, attempts };
    }
    if (outcome.failure.status === 429) options.concurrency?.rateLimited();
    else options.concurrency?.succeeded();
    const retry = outcome.failure.transient !== null && attempt <= options.retries && !options.signal?.aborted;
    const waitedMs = retry ? retryDelay(attempt, outcome.failure, options.backoff ?? defaultBackoff, options.random) : 0;
    attempts.push({ attempt, error: outcome.error, retriedBecause: retry ? outcome.failure.transient : null, waitedMs });
    if (!retry) return { outcome, attempts };
    if (!(await wait(waitedMs, options.signal))) {
      // Interrupted while waiting: there was no next try.
      attempts[attempts.length - 1] = { attempt, error: outcome.error, retriedBecause: null, waitedMs: 0 };
      return { outcome, attempts };
    }
  }
}
