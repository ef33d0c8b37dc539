import type { ExampleResult } from "../types.js";

export interface AdaptiveConcurrencyOptions {
  /** The configured example concurrency: the limit starts here and never goes above it. */
  max: number;
  /** Never below this (default 1). */
  min?: number;
  /** The limit is multiplied by this on a 429 (default 0.5). */
  decrease?: number;
}

export interface LimitChange {
  limit: number;
  previous: number;
  reason: "rate-limited" | "recovering";
}

/**
 * Example concurrency that backs off on rate limits and recovers (AIMD, as TCP does): a 429 halves
 * the limit; each run of `limit` calls in a row without one adds 1, up to the configured maximum.
 * A 429 of a call started before the last decrease says nothing new (the limit already fell for
 * its burst), so it does not lower the limit again, but it still breaks a run of calls without
 * one: the caller passes the `epoch` its call started in.
 *
 * The engine reads `limit` (or listens for changes) and hands it to its scheduler; the
 * controller itself runs nothing and keeps no time, so it is the same in every test.
 */
export class AdaptiveConcurrency {
  private current: number;
  private readonly min: number;
  private readonly factor: number;
  private successes = 0;
  private decreases = 0;
  private readonly listeners = new Set<(change: LimitChange) => void>();

  constructor(private readonly options: AdaptiveConcurrencyOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) throw new RangeError(`max must be a whole number from 1 up (got ${options.max})`);
    this.min = Math.max(1, Math.min(options.min ?? 1, options.max));
    this.factor = options.decrease ?? 0.5;
    if (!(this.factor > 0 && this.factor < 1)) throw new RangeError(`decrease must be between 0 and 1 (got ${this.factor})`);
    this.current = options.max;
  }

  get limit(): number {
    return this.current;
  }

  get max(): number {
    return this.options.max;
  }

  /** Changes with every decrease: a call notes it when it starts. */
  get epoch(): number {
    return this.decreases;
  }

  /** Calls `listener` on every change of the limit; returns a function that stops it. */
  onChange(listener: (change: LimitChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A call finished without being rate-limited (an ordinary error counts too: it says nothing of the rate). */
  succeeded(): void {
    if (this.current >= this.options.max) return;
    if (++this.successes < this.current) return;
    this.successes = 0;
    this.set(this.current + 1, "recovering");
  }

  /** A call was answered 429; `startedIn` is the epoch it started in (default: now). */
  rateLimited(startedIn = this.decreases): void {
    this.successes = 0;
    if (startedIn < this.decreases) return;
    this.decreases++;
    this.set(Math.max(this.min, Math.floor(this.current * this.factor)), "rate-limited");
  }

  private set(limit: number, reason: LimitChange["reason"]): void {
    if (limit === this.current) return;
    const change = { limit, previous: this.current, reason };
    this.current = limit;
    for (const listener of this.listeners) listener(change);
  }
}

/** Tells the controller what one task call met: a 429 for each try answered so, else a call without one. */
export function noteResult(controller: AdaptiveConcurrency, result: Pick<ExampleResult, "attempts">, startedIn: number): void {
  const limited = result.attempts?.filter((attempt) => attempt.status === 429).length ?? 0;
  if (limited === 0) controller.succeeded();
  for (let i = 0; i < limited; i++) controller.rateLimited(startedIn);
}
