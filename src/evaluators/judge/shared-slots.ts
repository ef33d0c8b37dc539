import { threadId } from "node:worker_threads";

/**
 * A concurrency limit shared by every thread of the process: each experiment's code runs in a
 * worker thread of its own, and all their judges share the run's `[judge] concurrency`. The slots
 * live in a SharedArrayBuffer: index 0 counts releases (to wait on), each other index holds the
 * thread that has that slot (its threadId + 1), or 0 when it is free.
 */
export class SharedSlots {
  private readonly cells: Int32Array;
  private readonly owner = threadId + 1;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  static create(size: number): SharedSlots {
    return new SharedSlots(new SharedArrayBuffer((size + 1) * Int32Array.BYTES_PER_ELEMENT));
  }

  /** Runs `fn` holding a slot, waiting for one first. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const slot = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release(slot);
    }
  }

  private async acquire(signal?: AbortSignal): Promise<number> {
    for (;;) {
      signal?.throwIfAborted();
      const releases = Atomics.load(this.cells, 0);
      for (let slot = 1; slot < this.cells.length; slot++) {
        if (Atomics.compareExchange(this.cells, slot, 0, this.owner) === 0) return slot;
      }
      // Woken by a release; the time limit only bounds how late an abort is noticed.
      const wait = waitAsync(this.cells, 0, releases, 250);
      if (wait.async) await wait.value;
    }
  }

  private release(slot: number): void {
    Atomics.store(this.cells, slot, 0);
    Atomics.add(this.cells, 0, 1);
    Atomics.notify(this.cells, 0);
  }

  /** Frees the slots a thread held when it ended (a worker stopped mid-call never releases them). */
  releaseAllOf(endedThreadId: number): void {
    let freed = false;
    for (let slot = 1; slot < this.cells.length; slot++) {
      if (Atomics.compareExchange(this.cells, slot, endedThreadId + 1, 0) === endedThreadId + 1) freed = true;
    }
    if (freed) {
      Atomics.add(this.cells, 0, 1);
      Atomics.notify(this.cells, 0);
    }
  }
}

// Node has had Atomics.waitAsync since 16; TypeScript's lib declares it from ES2024 on.
const waitAsync = (Atomics as unknown as { waitAsync(cells: Int32Array, index: number, value: number, timeoutMs: number): { async: boolean; value: unknown } }).waitAsync.bind(Atomics);
