/**
 * Calls `fn` on every item with at most `limit()` calls in flight (read again before each start:
 * adaptive concurrency, a growing window), taking the next item only when its call can start:
 * memory stays flat however long the list and however high the limit (a pool of `limit` workers
 * would take `limit` items at once: a hundred thousand examples held for a no-op task).
 *
 * Tasks that never await I/O would otherwise hold the event loop for the whole run, so that
 * Ctrl-C and timers are not heard. A heartbeat timer notes the loop turning; when no turn has come
 * for a while, the next start waits for one first.
 *
 * When the items cannot be read to the end (or a call rejects), no call starts after that,
 * `onFailure` is told at once (calls queued ahead elsewhere must not start either), and the
 * promise rejects once the calls in flight have ended: what follows (closing the results file)
 * never runs while they still record.
 */
export function forEachConcurrently<T>(items: Iterable<T>, limit: () => number, fn: (item: T) => Promise<void>, onFailure?: () => void): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let active = 0;
  let ended = false;
  let lastTurn = performance.now();
  // A timer, not setImmediate: a pending immediate would keep the loop from ever sleeping in poll,
  // spinning a core while tasks wait on the network.
  const heartbeat = setInterval(() => (lastTurn = performance.now()), heartbeatMs);
  return new Promise<void>((resolve, reject) => {
    let yielding = false;
    let failure: { error: unknown } | null = null;
    const fail = (error: unknown) => {
      if (!failure) {
        failure = { error };
        onFailure?.();
      }
      if (active > 0) return;
      clearInterval(heartbeat);
      reject(failure.error);
    };
    // Made once, not per item: a fast run's items are hundreds of thousands.
    const callEnded = () => {
      active--;
      pump();
    };
    const callFailed = (error: unknown) => {
      active--;
      fail(error);
    };
    const pump = () => {
      yielding = false;
      if (failure) return fail(failure.error);
      while (!ended && active < Math.max(1, limit())) {
        if (performance.now() - lastTurn > starvedAfterMs) {
          if (!yielding) {
            yielding = true;
            setImmediate(pump);
          }
          return;
        }
        let next: IteratorResult<T>;
        try {
          next = iterator.next();
        } catch (error) {
          return fail(error);
        }
        if (next.done) {
          ended = true;
          break;
        }
        let call: Promise<void>;
        try {
          call = fn(next.value);
        } catch (error) {
          // Thrown before its call started (a dataset line found changed): none starts after it.
          return fail(error);
        }
        active++;
        call.then(callEnded, callFailed);
      }
      if (ended && active === 0) {
        clearInterval(heartbeat);
        resolve();
      }
    };
    pump();
  });
}

const heartbeatMs = 10;
const starvedAfterMs = 25;
