import { type EventLoopUtilization, performance } from "node:perf_hooks";
import type { Job, Sandbox } from "../engine/ports.js";
import { runExample, type UserCode } from "../engine/run-example.js";
import type { ExampleResult } from "../types.js";

/**
 * Code given in memory (`evaluate`) runs in the caller's own thread: it is the caller's code, and
 * functions cannot be sent to a worker. Timeouts and interrupts still hold for code that awaits.
 */
export class InThreadSandbox implements Sandbox {
  readonly evaluators: string[];
  readonly window: number;
  private utilization: EventLoopUtilization | null = null;

  constructor(
    private readonly code: UserCode,
    private readonly options: { experiment: string; timeoutMs: number; concurrency: number; stop: AbortSignal },
  ) {
    this.evaluators = code.evaluators.map((evaluator) => evaluator.name);
    this.window = options.concurrency;
  }

  async run({ example, repetition, retries, cached }: Job): Promise<ExampleResult | null> {
    const { experiment, timeoutMs, stop } = this.options;
    return runExample(this.code, { experiment, timeoutMs, stop, example, repetition, retries, cached });
  }

  busy(): number {
    const now = performance.eventLoopUtilization();
    const since = this.utilization ? performance.eventLoopUtilization(now, this.utilization) : now;
    this.utilization = now;
    return since.utilization;
  }

  async close(): Promise<void> {}
}
