/**
 * How many calls the engine keeps asked for at once. A high example concurrency is for slow calls
 * (a model answering in seconds); asking for all of them at once when calls return in microseconds
 * only holds that many examples and promises in memory, and time grows with the setting. So the
 * window starts at `start` and doubles, up to `max`, each time it is full while the calls take
 * longer than `slowMs`: then more calls in flight would be more work done at once.
 */
export class CallWindow {
  private size: number;

  constructor(
    private readonly max: number,
    start = 1024,
  ) {
    this.size = Math.min(max, start);
  }

  get limit(): number {
    return this.size;
  }

  /** After a call: `inFlight` calls were asked for when it ended, its task took `durationMs`. */
  ended(inFlight: number, durationMs: number): void {
    if (this.size < this.max && inFlight >= this.size && durationMs >= slowMs) this.size = Math.min(this.max, this.size * 2);
  }
}

const slowMs = 5;
