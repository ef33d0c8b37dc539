/**
 * Calls `fn` on every item with at most `concurrency` calls in flight, taking the next item only
 * when a call finishes: memory stays flat however long the list (p-limit would hold a queued job
 * per item: 80 MB for 100,000 examples).
 *
 * Tasks that never await I/O would otherwise hold the event loop for the whole run, so that
 * Ctrl-C and timers are not heard. A heartbeat timer notes the loop turning; a worker about to
 * start a call when no turn has come for a while waits for one first. Workers that resume
 * together find the time used up again by the first of them and wait again, so signals get
 * through between every two long synchronous calls.
 */
export async function forEachConcurrently<T>(items: Iterable<T>, concurrency: number, fn: (item: T) => Promise<void>, limit?: () => number): Promise<void> {
  const iterator = items[Symbol.iterator]();
  // With a `limit` (adaptive concurrency), a worker waits while that many calls are in flight.
  let active = 0;
  const waiting: (() => void)[] = [];
  let lastTurn = performance.now();
  // A timer, not setImmediate: a pending immediate would keep the loop from ever sleeping in poll,
  // spinning a core while tasks wait on the network.
  const heartbeat = setInterval(() => (lastTurn = performance.now()), heartbeatMs);
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      while (performance.now() - lastTurn > starvedAfterMs) await new Promise((resolve) => setImmediate(resolve));
      while (limit && active >= limit()) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
      try {
        await fn(next.value);
      } finally {
        active--;
        for (const wake of waiting.splice(0)) wake();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  } finally {
    clearInterval(heartbeat);
  }
}

const heartbeatMs = 10;
const starvedAfterMs = 25;
