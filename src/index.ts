export { ExperimentRunner, type ExperimentRunnerOptions, type RunOptions } from "./engine/runner.js";
export type { ExperimentInfo, RunInfo, RunListener } from "./engine/events.js";
export { defineEvaluator, defineTask } from "./define.js";
export { DatasetError, EvalwireError, ExperimentsFailedError, ExitCode, LoadError, UsageError } from "./errors.js";
export type {
  Evaluation,
  EvaluatorArgs,
  EvaluatorFn,
  EvaluatorReturn,
  EvaluatorSummary,
  Example,
  ExampleResult,
  ExperimentResult,
  ExperimentStatus,
  RunStatus,
  Score,
  Task,
  TaskContext,
} from "./types.js";
