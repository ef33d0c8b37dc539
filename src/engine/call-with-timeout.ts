export type Outcome<T> =
  | { kind: "ok"; value: T }
  | { kind: "error"; error: unknown }
  | { kind: "timeout" }
  | { kind: "interrupted" };

/**
 * Calls `fn` with a signal that aborts after `timeoutMs` (0: never) or when `stop` aborts.
 * Returns as soon as either happens, even if `fn` ignores its signal: that work is abandoned.
 */
export async function callWithTimeout<T>(
  fn: (signal: AbortSignal) => T | PromiseLike<T>,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<Outcome<Awaited<T>>> {
  if (stop.aborted) return { kind: "interrupted" };
  const controller = new AbortController();
  let settle!: (outcome: Outcome<Awaited<T>>) => void;
  const cut = new Promise<Outcome<Awaited<T>>>((resolve) => (settle = resolve));
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
          settle({ kind: "timeout" });
        }, timeoutMs)
      : undefined;
  const onStop = () => {
    controller.abort(stop.reason);
    settle({ kind: "interrupted" });
  };
  stop.addEventListener("abort", onStop, { once: true });
  try {
    const call = (async (): Promise<Outcome<Awaited<T>>> => {
      try {
        return { kind: "ok", value: await fn(controller.signal) };
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
