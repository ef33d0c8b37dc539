import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AdaptiveConcurrency, type LimitChange, noteResult } from "../../src/retry/adaptive-concurrency.js";
import { defaultBackoff, retryDelay, sleep } from "../../src/retry/backoff.js";
import { classifyError, parseRetryAfter } from "../../src/retry/transient.js";
import { type AttemptOutcome, withRetries } from "../../src/retry/with-retries.js";

/** An error as HTTP clients shape them. */
const httpError = (props: Record<string, unknown>) => Object.assign(new Error("request failed"), props);

describe("classifyError", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it.each([
    ["a 429 on status", httpError({ status: 429 }), "HTTP 429"],
    ["a 503 on statusCode", httpError({ statusCode: 503 }), "HTTP 503"],
    ["a 500 on response.status (axios)", httpError({ response: { status: 500 } }), "HTTP 500"],
    ["a 408", httpError({ status: 408 }), "HTTP 408"],
    ["a reset connection", httpError({ code: "ECONNRESET" }), "ECONNRESET"],
    ["fetch failed, caused by a reset", new TypeError("fetch failed", { cause: httpError({ code: "UND_ERR_SOCKET" }) }), "UND_ERR_SOCKET"],
    ["a connect timeout", httpError({ code: "ETIMEDOUT" }), "ETIMEDOUT"],
    ["a fetch timeout (AbortSignal.timeout)", new DOMException("The operation was aborted due to timeout", "TimeoutError"), "TimeoutError"],
    ["retryable: true", httpError({ retryable: true }), "retryable"],
  ])("retries %s", (_what, error, reason) => {
    expect(classifyError(error, now).transient).toBe(reason);
  });

  it.each([
    ["a 400", httpError({ status: 400 })],
    ["a 401", httpError({ status: 401 })],
    ["a 404 on response.status", httpError({ response: { status: 404 } })],
    ["a 501", httpError({ status: 501 })],
    ["a 503 the thrower marks retryable: false", httpError({ status: 503, retryable: false })],
    ["a TypeError in the task", new TypeError("cannot read properties of undefined")],
    ["a file that is not there", httpError({ code: "ENOENT" })],
    ["a thrown string", "nope"],
    ["a status that is not one", httpError({ status: "429" })],
  ])("does not retry %s", (_what, error) => {
    expect(classifyError(error, now).transient).toBeNull();
  });

  it("reads Retry-After in seconds or as an HTTP date, from Headers or a plain record, and retry-after-ms", () => {
    expect(classifyError(httpError({ status: 429, headers: new Headers({ "Retry-After": "3" }) }), now).retryAfterMs).toBe(3000);
    expect(classifyError(httpError({ status: 429, headers: { "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" } }), now).retryAfterMs).toBe(5000);
    expect(classifyError(httpError({ response: { status: 503, headers: { "Retry-After": ["2"] } } }), now).retryAfterMs).toBe(2000);
    expect(classifyError(httpError({ status: 429, headers: { "retry-after-ms": "250", "retry-after": "9" } }), now).retryAfterMs).toBe(250);
    expect(classifyError(httpError({ status: 429 }), now)).toEqual({ transient: "HTTP 429", status: 429, retryAfterMs: null });
  });

  it("parses Retry-After as RFC 9110 says, and ignores what is neither", () => {
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter(" 120 ", now)).toBe(120_000);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0); // in the past: now
    expect(parseRetryAfter("-1", now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("", now)).toBeNull();
  });

  it("gives up on a cause loop", () => {
    const a: any = httpError({});
    const b: any = httpError({ cause: a });
    a.cause = b;
    expect(classifyError(a, now).transient).toBeNull();
  });
});

describe("retryDelay", () => {
  it("grows exponentially with equal jitter, capped (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, r) => {
        const step = Math.min(defaultBackoff.maxMs, defaultBackoff.baseMs * 2 ** (retry - 1));
        const delay = retryDelay(retry, { retryAfterMs: null }, defaultBackoff, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(step / 2));
        expect(delay).toBeLessThanOrEqual(step);
      }),
    );
  });

  it("honours Retry-After, adding at most 10% (and 1 s), capped at maxRetryAfterMs (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (asked, r) => {
        const delay = retryDelay(1, { retryAfterMs: asked }, defaultBackoff, () => r);
        const honoured = Math.min(asked, defaultBackoff.maxRetryAfterMs);
        expect(delay).toBeGreaterThanOrEqual(honoured);
        expect(delay).toBeLessThanOrEqual(honoured + Math.min(1000, honoured * 0.1) + 1);
      }),
    );
  });

  it("sleep wakes early, with false, when its signal aborts", async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    expect(await waiting).toBe(false);
    expect(await sleep(1)).toBe(true);
  });
});

describe("AdaptiveConcurrency", () => {
  it("halves on a 429, ignores the 429s of calls started before that, and recovers by one per window", () => {
    const limit = new AdaptiveConcurrency({ max: 8 });
    const changes: LimitChange[] = [];
    limit.onChange((change) => changes.push(change));
    expect(limit.limit).toBe(8);
    // Eight calls start together; all are answered 429.
    const burst = limit.epoch;
    for (let i = 0; i < 8; i++) limit.rateLimited(burst);
    expect(limit.limit).toBe(4);
    // A call started after the drop and answered 429 halves it again.
    limit.rateLimited(limit.epoch);
    expect(limit.limit).toBe(2);
    // Recovery: +1 after `limit` calls in a row without a 429.
    for (let i = 0; i < 2; i++) limit.succeeded();
    expect(limit.limit).toBe(3);
    for (let i = 0; i < 3 + 4 + 5 + 6 + 7; i++) limit.succeeded();
    expect(limit.limit).toBe(8);
    limit.succeeded();
    expect(limit.limit).toBe(8);
    expect(changes.map((change) => `${change.previous}>${change.limit} ${change.reason}`)).toEqual([
      "8>4 rate-limited",
      "4>2 rate-limited",
      "2>3 recovering",
      "3>4 recovering",
      "4>5 recovering",
      "5>6 recovering",
      "6>7 recovering",
      "7>8 recovering",
    ]);
  });

  it("stays between min and max whatever happens, and a run of successes always recovers it (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.boolean(), { maxLength: 500 }), (max, events) => {
        const limit = new AdaptiveConcurrency({ max });
        let seen = limit.limit;
        limit.onChange((change) => {
          expect(change.previous).toBe(seen);
          seen = change.limit;
        });
        for (const ok of events) {
          if (ok) limit.succeeded();
          else limit.rateLimited(limit.epoch);
          expect(limit.limit).toBeGreaterThanOrEqual(1);
          expect(limit.limit).toBeLessThanOrEqual(max);
        }
        for (let i = 0; i < max * max; i++) limit.succeeded();
        expect(limit.limit).toBe(max);
      }),
    );
  });

  it("refuses a max that is not a whole number from 1", () => {
    expect(() => new AdaptiveConcurrency({ max: 0 })).toThrow(RangeError);
  });
});

describe("withRetries", () => {
  const fail = (status: number | null, transient: string | null, retryAfterMs: number | null = null): AttemptOutcome<string> => ({
    ok: false,
    error: `failed ${status ?? transient}`,
    failure: { status, transient, retryAfterMs },
  });
  const noWait = { wait: async () => true, random: () => 0 };
  let calls = 0;
  /** A call that always gives `outcome`, counting how often it is made. */
  const counting = (outcome: AttemptOutcome<string>) => async () => {
    calls++;
    return outcome;
  };

  it("retries transient errors up to `retries` times, recording each attempt and wait", async () => {
    const outcomes = [fail(429, "HTTP 429", 2000), fail(503, "HTTP 503"), { ok: true as const, value: "done" }];
    const waits: number[] = [];
    const { outcome, attempts } = await withRetries(async (n) => outcomes[n - 1]!, {
      retries: 3,
      random: () => 0,
      wait: async (ms) => {
        waits.push(ms);
        return true;
      },
    });
    expect(outcome).toEqual({ ok: true, value: "done" });
    expect(attempts).toEqual([
      { attempt: 1, error: "failed 429", status: 429, retriedBecause: "HTTP 429", waitedMs: 2000 },
      // The second retry's step is 1000 ms; equal jitter with random() = 0 waits half of it.
      { attempt: 2, error: "failed 503", status: 503, retriedBecause: "HTTP 503", waitedMs: 500 },
      { attempt: 3, error: null, status: null, retriedBecause: null, waitedMs: 0 },
    ]);
    expect(waits).toEqual([2000, 500]);
  });

  it("stops at once on an error that is not transient, and after the last retry", async () => {
    calls = 0;
    const first = await withRetries(counting(fail(400, null)), { retries: 5, ...noWait });
    expect(calls).toBe(1);
    expect(first.attempts).toEqual([{ attempt: 1, error: "failed 400", status: 400, retriedBecause: null, waitedMs: 0 }]);
    calls = 0;
    const second = await withRetries(counting(fail(503, "HTTP 503")), { retries: 2, ...noWait });
    expect(calls).toBe(3);
    expect(second.outcome?.ok).toBe(false);
    expect(second.attempts.at(-1)).toEqual({ attempt: 3, error: "failed 503", status: 503, retriedBecause: null, waitedMs: 0 });
    calls = 0;
    await withRetries(counting(fail(503, "HTTP 503")), { retries: 0, ...noWait });
    expect(calls).toBe(1);
  });

  it("does not try again once interrupted while waiting", async () => {
    const controller = new AbortController();
    calls = 0;
    const { attempts } = await withRetries(counting(fail(503, "HTTP 503")), {
      retries: 5,
      signal: controller.signal,
      wait: async () => {
        controller.abort();
        return false;
      },
    });
    expect(calls).toBe(1);
    expect(attempts).toEqual([{ attempt: 1, error: "failed 503", status: 503, retriedBecause: null, waitedMs: 0 }]);
  });

  it("answers at once, with no promise, while every call does and no retry waits; a mix of both ways retries as one", async () => {
    const now = withRetries(() => ({ ok: true as const, value: "now" }), { retries: 2, ...noWait });
    expect(now).toEqual({ outcome: { ok: true, value: "now" }, attempts: [{ attempt: 1, error: null, status: null, retriedBecause: null, waitedMs: 0 }] });
    expect(withRetries(() => fail(400, null), { retries: 2, ...noWait })).not.toBeInstanceOf(Promise);
    // A call failing at once, then one that awaits: the retry waits, so the answer is a promise.
    const outcomes = [fail(503, "HTTP 503"), { ok: true as const, value: "later" }];
    const mixed = withRetries((n) => (n === 1 ? outcomes[0]! : Promise.resolve(outcomes[1]!)), { retries: 1, ...noWait });
    expect(mixed).toBeInstanceOf(Promise);
    expect((await mixed).attempts.map((attempt) => attempt.retriedBecause)).toEqual(["HTTP 503", null]);
  });

  it("returns at once, with no outcome, when a call was interrupted", async () => {
    const { outcome, attempts } = await withRetries(async () => null, { retries: 3, ...noWait });
    expect(outcome).toBeNull();
    expect(attempts).toEqual([]);
  });
});

describe("noteResult", () => {
  it("tells the controller of each 429 a call met, and of a call that went through", () => {
    const concurrency = new AdaptiveConcurrency({ max: 4 });
    const attempt = (status: number | null) => ({ attempt: 1, error: status ? "x" : null, status, retriedBecause: null, waitedMs: 0 });
    noteResult(concurrency, { attempts: [attempt(429), attempt(null)] }, concurrency.epoch);
    expect(concurrency.limit).toBe(2);
    noteResult(concurrency, {}, concurrency.epoch);
    noteResult(concurrency, {}, concurrency.epoch);
    expect(concurrency.limit).toBe(3);
    // A 429 of a call started before the last drop changes nothing.
    noteResult(concurrency, { attempts: [attempt(429)] }, 0);
    expect(concurrency.limit).toBe(3);
    noteResult(concurrency, { attempts: [attempt(429)] }, concurrency.epoch);
    expect(concurrency.limit).toBe(1);
  });

  it("never counts a call that met a 429 as one without it: a burst of rate-limited calls, retried until they went through, does not raise the limit again", () => {
    const concurrency = new AdaptiveConcurrency({ max: 10 });
    const attempt = (status: number | null) => ({ attempt: 1, error: status ? "x" : null, status, retriedBecause: null, waitedMs: 0 });
    concurrency.rateLimited(0);
    expect(concurrency.limit).toBe(5);
    // The other calls of the burst that started before the drop: each met a 429, then went through.
    for (let i = 0; i < 9; i++) noteResult(concurrency, { attempts: [attempt(429), attempt(null)] }, 0);
    expect(concurrency.limit).toBe(5);
    // Four calls without a 429, one with (of the old burst), one without: not five in a row.
    for (let i = 0; i < 4; i++) noteResult(concurrency, {}, concurrency.epoch);
    noteResult(concurrency, { attempts: [attempt(429), attempt(null)] }, 0);
    noteResult(concurrency, {}, concurrency.epoch);
    expect(concurrency.limit).toBe(5);
    // A 503 retried until it went through says nothing of the rate: it counts as a call without a 429.
    for (let i = 0; i < 4; i++) noteResult(concurrency, { attempts: [attempt(503), attempt(null)] }, concurrency.epoch);
    expect(concurrency.limit).toBe(6);
  });
});
