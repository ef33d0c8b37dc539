import type { Judgement } from "./judge/experiment-judge.js";

/** A JSON object: what a dataset record's input, expected output and metadata are. */
export type Fields = Record<string, unknown>;

/** One dataset example, as a task and its evaluators see it. */
export interface Example<Input = Fields, Expected = Fields, Metadata = Fields> {
  id: string;
  input: Input;
  /** The expected output. */
  output: Expected;
  metadata: Metadata;
}

export interface TaskContext {
  /** Aborted when the task times out or the run is interrupted. */
  signal: AbortSignal;
  /** 1-based repetition number. */
  repetition: number;
  /** The experiment (folder) name. */
  experiment: string;
}

/** The code under test: one call per example and repetition. Its output must be JSON. */
export type Task<Input = Fields, Output = unknown, Expected = Fields, Metadata = Fields> = (example: Example<Input, Expected, Metadata>, ctx: TaskContext) => Output | Promise<Output>;

/** What an evaluator is given. Each call gets its own copy of the example and of the output. */
export interface EvaluatorArgs<Output = unknown, Expected = Fields, Input = Fields, Metadata = Fields> {
  input: Input;
  output: Output;
  expected: Expected;
  metadata: Metadata;
  example: Example<Input, Expected, Metadata>;
  durationMs: number;
  /** Aborted when the evaluator times out or the run is interrupted: pass it to an LLM judge's request. */
  signal: AbortSignal;
}

/** What an evaluator may return (or a promise of it). */
export type EvaluatorReturn = number | boolean | string | { score?: number | null; label?: string | null; explanation?: string | null; metadata?: Record<string, unknown> };

/** Scores one task output. */
export type Evaluator<Output = unknown, Expected = Fields, Input = Fields, Metadata = Fields> = (
  args: EvaluatorArgs<Output, Expected, Input, Metadata>,
) => EvaluatorReturn | Promise<EvaluatorReturn>;

/** An evaluator of any types (the name evalwire 0.1 exported). */
export type EvaluatorFn = Evaluator<any, any, any, any>;

/** An evaluator object, as `asExperimentEvaluator` of @arizeai/phoenix-client and @arizeai/phoenix-evals make them. */
export interface EvaluatorObject<Output = unknown, Expected = Fields, Input = Fields, Metadata = Fields> {
  evaluate(args: EvaluatorArgs<Output, Expected, Input, Metadata>): unknown;
}

/** A score, normalised from whatever the evaluator returned. */
export interface Score {
  score: number | null;
  label: string | null;
  explanation: string | null;
  /** Only when the evaluator returned some. */
  metadata?: Record<string, unknown>;
}

export interface Evaluation extends Score {
  name: string;
  /** Set when the evaluator threw, timed out or returned something that is not a score. */
  error: string | null;
  /** Where it was thrown, when the evaluator threw an Error. */
  stack?: string;
  durationMs: number;
}

export type RunStatus = "ok" | "error" | "timeout";

/** One task call on one example, with its evaluations. The same shape whether it passed or not. */
export interface ExampleResult {
  exampleId: string;
  repetition: number;
  status: RunStatus;
  output: unknown;
  error: string | null;
  /** Where it was thrown, when the task threw an Error. */
  stack?: string;
  startedAt: string;
  durationMs: number;
  /** The task span's trace, when traces are recorded (Phoenix). */
  traceId?: string;
  evaluations: Evaluation[];
  /** Set when the output came from the task cache (`--cache`): the task was not called, and durationMs is 0. */
  cached?: { storedAt: string; durationMs: number };
  /** Every try of the task, when it was retried (`--retries`). */
  attempts?: Attempt[];
}

/** One try of a task call. */
export interface Attempt {
  /** 1 for the first call. */
  attempt: number;
  error: string | null;
  /** The HTTP status the error carried, if any. */
  status: number | null;
  /** Why it was tried again ("HTTP 429", "ECONNRESET", "timeout"...), when it was. */
  retriedBecause: string | null;
  /** The wait before the next try. */
  waitedMs: number;
}

export interface EvaluatorSummary {
  mean: number | null;
  scored: number;
  errors: number;
}

export type ExperimentStatus = "passed" | "failed" | "interrupted";

export interface ExperimentResult {
  /** The experiment folder's name. */
  experiment: string;
  /** The recorded experiment name: `{prefix}_{dataset}_{timestamp}` (plus `-2`… when taken). */
  name: string;
  dataset: { name: string; version: string | null; source: string | null };
  status: ExperimentStatus;
  /** Why the experiment failed as a whole (load error, dataset error, recording error). */
  failure: string | null;
  /** Task calls planned: examples × repetitions. */
  planned: number;
  /** Task calls finished (including those that errored). */
  completed: number;
  taskErrors: number;
  evaluatorErrors: number;
  evaluators: Record<string, EvaluatorSummary>;
  durationMs: number;
  /** The local run folder, when results were recorded. */
  runPath: string | null;
  /** The shard of the run's task calls this process ran (`2/4`), when sharded (`run --shard`). */
  shard?: string;
  /** The experiment's page in Phoenix, when recorded there. */
  url?: string | null;
  dryRun: boolean;
  /** Set when --resume or --retry-errors refused the run (a changed dataset or task): exit 2. */
  refused?: boolean;
  /** How it was judged (§13, §14): gates, pass rates, the baseline comparison. Absent when it never ran. */
  judgement?: Judgement;
}

/** What `ExperimentRunner.run()` resolves with, failed or not: a failure is data, not an exception. */
export interface RunResult {
  /** `failed` when any experiment failed; `interrupted` when the run was stopped (Ctrl-C, or the caller's signal). */
  status: "passed" | "failed" | "interrupted";
  /** The CLI's exit code for this run: 0, 1 or 130. */
  exitCode: number;
  experiments: ExperimentResult[];
}
