import { evaluatorsFor } from "../evaluators/rubric/example-rubric.js";
import { allOf, andThen, type Maybe } from "../maybe.js";
import { classifyError } from "../retry/transient.js";
import { type AttemptOutcome, withRetries } from "../retry/with-retries.js";
import type { Attempt, Evaluation, EvaluatorArgs, Example, ExampleResult, Task } from "../types.js";
import { evaluatorArgs, taskContext } from "./call-args.js";
import { type Outcome as CallOutcome, callWithTimeout } from "./call-with-timeout.js";
import { isoNow } from "./iso-now.js";
import { jsonProblem } from "./json-problem.js";
import { normaliseScore } from "./normalise-score.js";
import { ownCopy } from "./own-copy.js";

/** An experiment's code, loaded. */
export interface UserCode {
  task: Task<any, any, any, any>;
  evaluators: NamedEvaluator[];
}

export interface NamedEvaluator {
  /** The file stem (or the key given to `evaluate`): unique within an experiment. */
  name: string;
  evaluate: (args: EvaluatorArgs) => unknown;
}

/** How a sandbox follows an example's calls, to tell what blocked its thread and keep what finished. */
export interface ExampleWatch {
  /** Called just before user code runs (0: the task, n: the nth evaluator). */
  enter?: (phase: number) => void;
  /** Called when that code returns (its synchronous part is over; it may go on after an await). */
  leave?: () => void;
  /**
   * Called with the task's part of the result (status ok, no evaluations yet) before any evaluator
   * runs; the evaluators wait for what it returns.
   */
  taskDone?: (result: ExampleResult) => void | Promise<void>;
  /** Called with each evaluation that answers while others of its example still run (the last one ends the call). */
  evaluated?: (evaluation: Evaluation) => void;
}

export interface ExampleCall {
  experiment: string;
  example: Example;
  repetition: number;
  timeoutMs: number;
  /** Aborts when the run is interrupted. */
  stop: AbortSignal;
  /** Tries after the first for a transient task error (--retries). */
  retries?: number | undefined;
  /** An output from the task cache: the task is not called, the evaluators score this. */
  cached?: { output: unknown; storedAt: string; durationMs: number } | undefined;
}

/**
 * Runs the task on one example, then every evaluator on its output, as soon as the task is done.
 * The task and each evaluator get copies of their own, so one cannot change what another sees or
 * what is recorded. Returns null only when the run was interrupted before the example finished:
 * that example is in flight, not a result. The result is returned at once when no call returned a
 * promise (see Maybe), else as a promise.
 */
export function runExample(code: UserCode, call: ExampleCall, watch: ExampleWatch = {}): Maybe<ExampleResult | null> {
  const { example, repetition, timeoutMs } = call;
  if (call.cached) {
    const { output, storedAt, durationMs } = call.cached;
    const result: ExampleResult = {
      exampleId: example.id,
      repetition,
      status: "ok",
      output,
      error: null,
      startedAt: isoNow(),
      durationMs: 0,
      evaluations: [],
      cached: { storedAt, durationMs },
    };
    return scored(code, call, result, durationMs, watch);
  }
  return andThen(callTask(code, call, watch), (task) => {
    if (!task) return null;
    const { outcome, startedAt, durationMs, attempts } = task;
    const result: ExampleResult = { exampleId: example.id, repetition, status: "ok", output: null, error: null, startedAt, durationMs, evaluations: [] };
    if (attempts) result.attempts = attempts;
    if (outcome.kind === "timeout") return { ...result, status: "timeout", error: `timed out after ${timeoutMs} ms` };
    if (outcome.kind === "error") return { ...result, status: isTimeout(outcome.error) ? "timeout" : "error", error: errorMessage(outcome.error), ...stackOf(outcome.error) };
    result.output = outcome.value === undefined ? null : outcome.value;
    const notJson = jsonProblem(result.output);
    if (notJson) return { ...result, status: "error", output: null, error: `the task returned a value that is not JSON (${notJson})` };
    return scored(code, call, result, durationMs, watch);
  });
}

type TaskOutcome = Exclude<CallOutcome<unknown>, { kind: "interrupted" }>;

interface TaskCall {
  outcome: TaskOutcome;
  startedAt: string;
  durationMs: number;
  attempts: Attempt[] | undefined;
}

/**
 * Calls the task, again after a transient error while `retries` allow (a 429, a 5xx, a reset, a
 * timeout). The last try is the result; `attempts` lists every try when there was more than one,
 * or when the one try was answered 429 (the engine slows down on those). Null when interrupted.
 */
function callTask(code: UserCode, call: ExampleCall, watch: ExampleWatch): Maybe<TaskCall | null> {
  const { example, repetition, timeoutMs, stop } = call;
  let startedAt = "";
  let durationMs = 0;
  const tried = withRetries<TaskOutcome, TaskOutcome>(
    () => {
      startedAt = isoNow();
      const start = performance.now();
      const outcome = callWithTimeout(
        (signal) => {
          watch.enter?.(0);
          try {
            return code.task(ownCopy(example), taskContext(signal, repetition, call.experiment));
          } finally {
            watch.leave?.();
          }
        },
        timeoutMs,
        stop,
      );
      return andThen(outcome, (outcome) => {
        durationMs = milliseconds(performance.now() - start);
        return attemptOf(outcome, timeoutMs);
      });
    },
    { retries: call.retries ?? 0, signal: stop },
  );
  return andThen(tried, ({ outcome, attempts }) => {
    if (!outcome) return null;
    const keep = attempts.length > 1 || attempts.some((attempt) => attempt.status === 429);
    return { outcome: outcome.ok ? outcome.value : outcome.detail!, startedAt, durationMs, attempts: keep ? attempts : undefined };
  });
}

function attemptOf(outcome: CallOutcome<unknown>, timeoutMs: number): AttemptOutcome<TaskOutcome, TaskOutcome> | null {
  switch (outcome.kind) {
    case "interrupted":
      return null;
    case "ok":
      return { ok: true, value: outcome };
    case "timeout":
      return { ok: false, error: `timed out after ${timeoutMs} ms`, failure: { transient: "timeout", status: null, retryAfterMs: null }, detail: outcome };
    case "error":
      return { ok: false, error: errorMessage(outcome.error), failure: errorClass(outcome.error), detail: outcome };
  }
}

/** Reading a thrown value runs user code too (a getter, a Proxy): one that throws is not transient. */
function errorClass(error: unknown): ReturnType<typeof classifyError> {
  try {
    return classifyError(error);
  } catch {
    return { transient: null, status: null, retryAfterMs: null };
  }
}

/** Runs every evaluator on the task's output, once the task's part is handed over; null when interrupted. */
function scored(code: UserCode, call: ExampleCall, result: ExampleResult, durationMs: number, watch: ExampleWatch): Maybe<ExampleResult | null> {
  const { example } = call;
  const evaluators = evaluatorsFor(code.evaluators, example);
  if (evaluators.length === 0) return result;
  let left = evaluators.length;
  const tell =
    watch.evaluated && left > 1
      ? (evaluation: Evaluation | null) => {
          if (evaluation && --left > 0) watch.evaluated!(evaluation);
          return evaluation;
        }
      : null;
  const evaluateAll = () =>
    andThen(
      allOf(
        evaluators.map((evaluator, index) => {
          const evaluation = evaluate(evaluator, index + 1, example, result.output, durationMs, call, watch);
          return tell ? andThen(evaluation, tell) : evaluation;
        }),
      ),
      (evaluations) => {
        if (evaluations.includes(null)) return null;
        result.evaluations = evaluations as Evaluation[];
        return result;
      },
    );
  const handedOver = watch.taskDone?.(result);
  return handedOver ? Promise.resolve(handedOver).then(evaluateAll) : evaluateAll();
}

function evaluate(
  evaluator: NamedEvaluator,
  phase: number,
  example: Example,
  output: unknown,
  durationMs: number,
  { timeoutMs, stop }: ExampleCall,
  watch: ExampleWatch,
): Maybe<Evaluation | null> {
  const start = performance.now();
  const outcome = callWithTimeout(
    (signal) => {
      watch.enter?.(phase);
      try {
        return evaluator.evaluate(evaluatorArgs(example, output, durationMs, signal));
      } finally {
        watch.leave?.();
      }
    },
    timeoutMs,
    stop,
  );
  return andThen(outcome, (outcome): Evaluation | null => {
    if (outcome.kind === "interrupted") return null;
    const evaluation: Evaluation = { name: evaluator.name, score: null, label: null, explanation: null, error: null, durationMs: milliseconds(performance.now() - start) };
    if (outcome.kind === "timeout") evaluation.error = `timed out after ${timeoutMs} ms`;
    else if (outcome.kind === "error") Object.assign(evaluation, { error: errorMessage(outcome.error) }, stackOf(outcome.error));
    else {
      const score = scoreOf(outcome.value);
      Object.assign(evaluation, "error" in score ? { error: score.error } : score);
    }
    return evaluation;
  });
}

/** What an evaluator returned, as a score; reading it runs user code too (a getter, a Proxy), which may throw. */
function scoreOf(value: unknown): ReturnType<typeof normaliseScore> {
  try {
    return normaliseScore(value);
  } catch (error) {
    return { error: `returned a value that cannot be read: ${errorMessage(error)}` };
  }
}

/** Durations are recorded to the microsecond. */
export function milliseconds(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A task's own timeout (a task.yaml's http.timeout, fetch's AbortSignal.timeout) is recorded as one, as --timeout is. */
function isTimeout(error: unknown): boolean {
  try {
    return error instanceof Error && error.name === "TimeoutError";
  } catch {
    return false;
  }
}

/**
 * A thrown value as one message; never throws itself (a BigInt or a cycle cannot be JSON, and an
 * Error's message may be a getter that throws).
 */
export function errorMessage(error: unknown): string {
  try {
    if (error instanceof Error) return String(error.message || error.name);
    if (typeof error === "string") return error;
  } catch {
    return "threw an error whose message cannot be read";
  }
  try {
    return `threw ${JSON.stringify(error) ?? String(error)}`;
  } catch {
    try {
      return `threw ${Object.prototype.toString.call(error)}${typeof error === "bigint" ? ` ${error}n` : ""}`;
    } catch {
      return "threw a value that cannot be read";
    }
  }
}

/** The user's frames of an Error's stack: evalwire's own and Node's internals are left out. */
export function stackOf(error: unknown): { stack?: string } {
  let stack: unknown;
  try {
    stack = error instanceof Error ? error.stack : undefined;
  } catch {
    return {};
  }
  if (typeof stack !== "string" || !stack) return {};
  const frames = stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line) && !line.includes("node:internal") && !line.includes(ownCode) && !line.includes("/node_modules/tsx/") && !line.includes("/node_modules/p-limit/"))
    .slice(0, 10);
  return frames.length > 0 ? { stack: frames.map((line) => line.trim()).join("\n") } : {};
}

/** This package's folder (dist/ or src/), to tell its frames from the user's. */
const ownCode = new URL("..", import.meta.url).pathname;
