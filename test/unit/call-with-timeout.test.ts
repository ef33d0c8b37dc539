import { describe, expect, it } from "vitest";
import { callWithTimeout } from "../../src/engine/call-with-timeout.js";

const never = new AbortController().signal;

describe("callWithTimeout", () => {
  it("returns the value of a sync or async function", async () => {
    expect(await callWithTimeout(() => 3, 1000, never)).toEqual({ kind: "ok", value: 3 });
    expect(await callWithTimeout(async () => "a", 1000, never)).toEqual({ kind: "ok", value: "a" });
  });

  it("answers at once, with no promise, for a function that returns a plain value or throws; a thenable is waited for", async () => {
    expect(callWithTimeout(() => 3, 1000, never)).toEqual({ kind: "ok", value: 3 });
    expect(
      callWithTimeout(
        () => {
          throw new Error("now");
        },
        1000,
        never,
      ),
    ).toMatchObject({ kind: "error", error: { message: "now" } });
    // Not only promises: anything with a then method is waited for, and timed.
    // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise, on purpose
    const thenable = { then: (resolve: (value: string) => void) => void setTimeout(() => resolve("thenable"), 5) } as unknown as PromiseLike<string>;
    const waited = callWithTimeout(() => thenable, 1000, never);
    expect(waited).toBeInstanceOf(Promise);
    expect(await waited).toEqual({ kind: "ok", value: "thenable" });
    // biome-ignore lint/suspicious/noThenProperty: one that never settles
    const stuck = { then: () => {} } as unknown as PromiseLike<never>;
    expect(await callWithTimeout(() => stuck, 20, never)).toEqual({ kind: "timeout" });
  });

  it("returns a throw, sync or async, as an error outcome", async () => {
    const sync = await callWithTimeout(
      () => {
        throw new Error("sync boom");
      },
      1000,
      never,
    );
    expect(sync).toMatchObject({ kind: "error", error: { message: "sync boom" } });
    const rejected = await callWithTimeout(async () => Promise.reject(new Error("async boom")), 1000, never);
    expect(rejected).toMatchObject({ kind: "error", error: { message: "async boom" } });
  });

  it("times out a call that ignores its signal, and aborts that signal", async () => {
    let seen: AbortSignal | undefined;
    const started = Date.now();
    const outcome = await callWithTimeout(
      (signal) => {
        seen = signal();
        return new Promise(() => {});
      },
      50,
      never,
    );
    expect(outcome).toEqual({ kind: "timeout" });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toHaveProperty("name", "TimeoutError");
  });

  it("never times out with 0", async () => {
    const outcome = await callWithTimeout(() => new Promise((resolve) => setTimeout(() => resolve("late"), 30)), 0, never);
    expect(outcome).toEqual({ kind: "ok", value: "late" });
  });

  it("stops at once when the run is interrupted, aborting the call's signal", async () => {
    const stop = new AbortController();
    let seen: AbortSignal | undefined;
    const pending = callWithTimeout(
      (signal) => {
        seen = signal();
        return new Promise(() => {});
      },
      10_000,
      stop.signal,
    );
    stop.abort(new Error("SIGINT"));
    expect(await pending).toEqual({ kind: "interrupted" });
    expect(seen?.aborted).toBe(true);
  });

  it("gives a signal asked for after the time is up already aborted", async () => {
    let late: AbortSignal | undefined;
    const outcome = await callWithTimeout((signal) => new Promise(() => setTimeout(() => (late = signal()), 60)), 20, never);
    expect(outcome).toEqual({ kind: "timeout" });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(late?.aborted).toBe(true);
  });

  it("does not start a call when already interrupted", async () => {
    const stop = new AbortController();
    stop.abort();
    let called = false;
    expect(await callWithTimeout(() => (called = true), 1000, stop.signal)).toEqual({ kind: "interrupted" });
    expect(called).toBe(false);
  });

  it("a returned value whose `then` is a getter that throws is the call's error, saying so, not a throw out of it", () => {
    const returned = {
      // biome-ignore lint/suspicious/noThenProperty: a then getter that throws, on purpose
      get then() {
        throw new Error("no then");
      },
    };
    const outcome = callWithTimeout(() => returned, 1000, new AbortController().signal);
    expect(outcome).toMatchObject({ kind: "error", error: new Error("returned a value that cannot be read: no then") });
  });
});
