export type Outcome<T> =
  | { kind: "ok"; value: T }
  | { kind: "error"; error: unknown }
  | { kind: "timeout" }
  | { kind: "interrupted" };

/**
 * Calls `fn`, giving it a signal that aborts after `timeoutMs` (0: never) or when `stop` aborts,
 * and returns as soon as either happens, even if `fn` ignores its signal: that work is abandoned.
 * The signal is made only when `fn` asks for it (most evaluators never do; it is the hottest
 * allocation of a fast run otherwise).
 */
export async function callWithTimeout<T>(
  fn: (signal: () => AbortSignal) => T | PromiseLike<T>,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<Outcome<Awaited<T>>> {
  if (stop.aborted) return { kind: "interrupted" };
  let controller: AbortController | undefined;
  let cutReason: unknown;
  const signal = () => {
    if (!controller) {
      controller = new AbortController();
      if (cutReason !== undefined) controller.abort(cutReason);
    }
    return controller.signal;
  };
  let settle!: (outcome: Outcome<Awaited<T>>) => void;
  const cut = new Promise<Outcome<Awaited<T>>>((resolve) => (settle = resolve));
  const cutWith = (outcome: Outcome<Awaited<T>>, reason: unknown) => {
    cutReason = reason;
    controller?.abort(reason);
    settle(outcome);
  };
  const timer = timeoutMs > 0 ? setTimeout(() => cutWith({ kind: "timeout" }, new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError")), timeoutMs) : undefined;
  const onStop = () => cutWith({ kind: "interrupted" }, stop.reason ?? new DOMException("interrupted", "AbortError"));
  stop.addEventListener("abort", onStop, { once: true });
  try {
    const call = (async (): Promise<Outcome<Awaited<T>>> => {
      try {
        return { kind: "ok", value: await fn(signal) };
      } catch (error) {
        return { kind: "error", error };
      }
    })();
    return await Promise.race([call, cut]);
  } finally {
    clearTimeout(timer);
    stop.removeEventListener("abort", onStop);
  }
}
