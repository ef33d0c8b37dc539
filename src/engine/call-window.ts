import { type EventLoopUtilization, performance } from "node:perf_hooks";

/**
 * How many calls the engine keeps asked for at once. A high example concurrency is for calls that
 * wait (a model answering in seconds); asking for all of them at once when calls keep the CPU busy
 * only holds that many examples and promises in memory, and time grows with the setting. So the
 * window starts at `start` and doubles, up to `max`, each time it is found full while both this
 * thread and the one running the calls were mostly idle since the last look: waiting on the calls.
 */
export class CallWindow {
  private size: number;
  private lookedAt = performance.now();
  private here: EventLoopUtilization = performance.eventLoopUtilization();

  constructor(
    private readonly max: number,
    /** Share of time the calls' thread was busy since the last call of it (event loop utilization). */
    private readonly busy: () => number,
    start = 1024,
  ) {
    this.size = Math.min(max, start);
    busy();
  }

  get limit(): number {
    return this.size;
  }

  /** After a call, with `inFlight` calls asked for when it ended. */
  ended(inFlight: number): void {
    if (this.size >= this.max || inFlight < this.size) return;
    const now = performance.now();
    if (now - this.lookedAt < lookEveryMs) return;
    this.lookedAt = now;
    const here = performance.eventLoopUtilization();
    const busyHere = performance.eventLoopUtilization(here, this.here).utilization;
    this.here = here;
    const busyThere = this.busy();
    if (busyHere < idleBelow && busyThere < idleBelow) this.size = Math.min(this.max, this.size * 2);
  }
}

const lookEveryMs = 50;
const idleBelow = 0.5;
