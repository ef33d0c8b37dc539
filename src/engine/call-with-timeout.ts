import type { Maybe } from "../maybe.js";

export type Outcome<T> = { kind: "ok"; value: T } | { kind: "error"; error: unknown } | { kind: "timeout" } | { kind: "interrupted" };

const interrupted: Outcome<never> = Object.freeze({ kind: "interrupted" });

// The timers as they were when evalwire loaded, before any user code: a task may fake the global
// ones (a fake-timers library's install() makes timers that fire only when advanced by hand), and
// its time limit must still hold.
const { setTimeout, clearTimeout } = globalThis;

/**
 * Calls `fn`, giving it a signal that aborts after `timeoutMs` (0: never) or when `stop` aborts,
 * and returns as soon as either happens, even if `fn` ignores its signal: that work is abandoned.
 * A call that returns a plain value (most evaluators, no-op tasks) has its outcome returned at once,
 * with no promise, no timer and no listener; only one that returns a thenable is timed.
 * The signal is made only when `fn` asks for it.
 */
export function callWithTimeout<T>(fn: (signal: () => AbortSignal) => T | PromiseLike<T>, timeoutMs: number, stop: AbortSignal): Maybe<Outcome<Awaited<T>>> {
  if (stop.aborted) return interrupted;
  let controller: AbortController | undefined;
  let cutReason: unknown;
  const signal = () => {
    if (!controller) {
      controller = new AbortController();
      if (cutReason !== undefined) controller.abort(cutReason);
    }
    return controller.signal;
  };
  let returned: T | PromiseLike<T>;
  let thenable: boolean;
  try {
    returned = fn(signal);
  } catch (error) {
    return { kind: "error", error };
  }
  try {
    // Reading `then` runs user code too (a getter, a Proxy's trap).
    thenable = isThenable(returned);
  } catch (error) {
    return { kind: "error", error: unreadable(error) };
  }
  if (!thenable) return { kind: "ok", value: returned as Awaited<T> };
  const cut = (reason: unknown) => {
    cutReason = reason;
    controller?.abort(reason);
  };
  return settled(returned as PromiseLike<Awaited<T>>, cut, timeoutMs, stop);
}

/** Waits for a call's promise, or for its time to be up, or for `stop`: whichever comes first; `cut` aborts the call's signal. */
async function settled<T>(returned: PromiseLike<T>, cut: (reason: unknown) => void, timeoutMs: number, stop: AbortSignal): Promise<Outcome<T>> {
  let settle!: (outcome: Outcome<T>) => void;
  const ended = new Promise<Outcome<T>>((resolve) => (settle = resolve));
  const cutWith = (outcome: Outcome<T>, reason: unknown) => {
    cut(reason);
    settle(outcome);
  };
  const timer = timeoutMs > 0 ? setTimeout(() => cutWith({ kind: "timeout" }, new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError")), timeoutMs) : undefined;
  const offStop = onAbort(stop, () => cutWith(interrupted, stop.reason ?? new DOMException("interrupted", "AbortError")));
  const call = Promise.resolve(returned).then(
    (value): Outcome<T> => ({ kind: "ok", value }),
    (error): Outcome<T> => ({ kind: "error", error }),
  );
  try {
    return await Promise.race([call, ended]);
  } finally {
    clearTimeout(timer);
    offStop();
  }
}

/** What reading a returned value threw, told apart from what the call threw; with the thrower's stack (where the getter or trap is). */
function unreadable(thrown: unknown): Error {
  let why = "it threw";
  let stack: unknown;
  try {
    why = thrown instanceof Error ? String(thrown.message) : String(thrown);
    stack = thrown instanceof Error ? thrown.stack : undefined;
  } catch {}
  const error = new Error(`returned a value that cannot be read: ${why}`);
  if (typeof stack === "string") error.stack = stack;
  return error;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as PromiseLike<unknown>).then === "function";
}

const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `fn` when `signal` aborts; returns the way to take it back. One listener per signal and a
 * Set behind it: an EventTarget takes O(n) to remove one of n listeners, which made 100,000 calls
 * in flight quadratic.
 */
function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let set = waiting.get(signal);
  if (!set) {
    const callbacks = new Set<() => void>();
    signal.addEventListener(
      "abort",
      () => {
        for (const callback of [...callbacks]) callback();
      },
      { once: true },
    );
    waiting.set(signal, callbacks);
    set = callbacks;
  }
  set.add(fn);
  const callbacks = set;
  return () => void callbacks.delete(fn);
}
