import type { LoadedEvaluator } from "../discovery/load-experiment.js";
import type { TaskTracer } from "../sinks/task-tracer.js";
import type { Evaluation, EvaluatorArgs, Example, ExampleResult, Task } from "../types.js";
import { callWithTimeout } from "./call-with-timeout.js";
import { normaliseScore } from "./normalise-score.js";

export interface ExampleJob {
  experiment: string;
  example: Example;
  repetition: number;
  task: Task;
  evaluators: LoadedEvaluator[];
  timeoutMs: number;
  /** Aborts when the run is interrupted. */
  stop: AbortSignal;
  /** Runs the task in a span, when traces are recorded. */
  tracer?: TaskTracer | null;
}

/**
 * Runs the task on one example, then every evaluator on its output, as soon as the task is done.
 * Returns null only when the run was interrupted before the example finished: that example is in
 * flight, not a result.
 */
export async function runExample(job: ExampleJob): Promise<ExampleResult | null> {
  const { example, repetition, timeoutMs, stop } = job;
  const startedAt = new Date().toISOString();
  const span = job.tracer?.start(example, repetition);
  const start = performance.now();
  const outcome = await callWithTimeout(
    (signal) => {
      const call = () => job.task(example, { get signal() { return signal(); }, repetition, experiment: job.experiment });
      return span ? span.run(call) : call();
    },
    timeoutMs,
    stop,
  );
  const durationMs = milliseconds(performance.now() - start);
  if (outcome.kind === "interrupted") {
    span?.end({ error: "interrupted" });
    return null;
  }

  const result: ExampleResult = { exampleId: example.id, repetition, status: "ok", output: null, error: null, startedAt, durationMs, ...(span ? { traceId: span.traceId } : {}), evaluations: [] };
  if (outcome.kind === "timeout") result.error = `timed out after ${timeoutMs} ms`;
  else if (outcome.kind === "error") Object.assign(result, { error: errorMessage(outcome.error), ...stackOf(outcome.error) });
  else {
    result.output = outcome.value === undefined ? null : outcome.value;
    const notJson = jsonProblem(result.output);
    if (notJson) Object.assign(result, { output: null, error: `the task returned a value that is not JSON (${notJson})` });
  }
  span?.end(result);
  if (outcome.kind === "timeout") return { ...result, status: "timeout" };
  if (result.error) return { ...result, status: "error" };

  const args = { input: example.input, output: result.output, expected: example.output, metadata: example.metadata, example, durationMs };
  const evaluations = await Promise.all(job.evaluators.map((evaluator) => evaluate(evaluator, args, timeoutMs, stop)));
  if (evaluations.includes(null)) return null;
  result.evaluations = evaluations as Evaluation[];
  return result;
}

async function evaluate(
  evaluator: LoadedEvaluator,
  args: Omit<EvaluatorArgs, "signal">,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<Evaluation | null> {
  const start = performance.now();
  const outcome = await callWithTimeout(
    (signal) =>
      evaluator.evaluate({
        input: args.input,
        output: args.output,
        expected: args.expected,
        metadata: args.metadata,
        example: args.example,
        durationMs: args.durationMs,
        get signal() {
          return signal();
        },
      }),
    timeoutMs,
    stop,
  );
  const base = { name: evaluator.name, score: null, label: null, explanation: null, error: null, durationMs: milliseconds(performance.now() - start) };
  switch (outcome.kind) {
    case "interrupted":
      return null;
    case "timeout":
      return { ...base, error: `timed out after ${timeoutMs} ms` };
    case "error":
      return { ...base, error: errorMessage(outcome.error), ...stackOf(outcome.error) };
    case "ok": {
      const score = normaliseScore(outcome.value);
      return "error" in score ? { ...base, error: score.error } : { ...base, ...score };
    }
  }
}

/** Durations are recorded to the microsecond. */
function milliseconds(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A thrown value as one message; never throws itself (a BigInt or a cycle cannot be JSON). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return `threw ${JSON.stringify(error) ?? String(error)}`;
  } catch {
    return `threw ${Object.prototype.toString.call(error)}${typeof error === "bigint" ? ` ${error}n` : ""}`;
  }
}

/** The user's frames of an Error's stack: evalwire's own and Node's internals are left out. */
function stackOf(error: unknown): { stack?: string } {
  if (!(error instanceof Error) || !error.stack) return {};
  const frames = error.stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line) && !line.includes("node:internal") && !line.includes(ownCode) && !line.includes("/node_modules/tsx/") && !line.includes("/node_modules/p-limit/"))
    .slice(0, 10);
  return frames.length > 0 ? { stack: frames.map((line) => line.trim()).join("\n") } : {};
}

/** This package's folder (dist/ or src/), to tell its frames from the user's. */
const ownCode = new URL("..", import.meta.url).pathname;

function jsonProblem(value: unknown): string | null {
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint" || typeof value === "function" || typeof value === "symbol") return `a ${typeof value}`;
    if (typeof value === "number" && !Number.isFinite(value)) return String(value);
    return null;
  }
  try {
    JSON.stringify(value);
    return null;
  } catch (error) {
    return (error as Error).message.split("\n")[0]!;
  }
}
