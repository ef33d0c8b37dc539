export type { BaselineSettings, CsvOptions, RunOverrides } from "./config/settings.js";
export { defineEvaluator, defineExperiment, defineTask, type ExperimentDefinition } from "./define.js";
export type { ExperimentInfo, RunInfo, RunListener } from "./engine/events.js";
export { DatasetError, EvalwireError, ExitCode, LoadError, UsageError } from "./errors.js";
export { type DataRecord, type EvaluateOptions, evaluate } from "./evaluate.js";
export type { BaselineReport } from "./judge/baseline.js";
export type { Judgement } from "./judge/experiment-judge.js";
export type { GateKind, GateResult, GateVerdict } from "./judge/gate.js";
export type { EvaluatorScores } from "./judge/scorecard.js";
export type { EvaluatorThreshold, MaxErrors, Thresholds } from "./judge/thresholds.js";
export type { PhoenixClientLike, PhoenixConnection, RetryPolicy } from "./phoenix/connection.js";
export type { JsonExperiment, JsonReport } from "./report/json.js";
export { ExperimentRunner, type ExperimentRunnerOptions, type RunOptions } from "./runner.js";
export type {
  Evaluation,
  Evaluator,
  EvaluatorArgs,
  EvaluatorFn,
  EvaluatorObject,
  EvaluatorReturn,
  EvaluatorSummary,
  Example,
  ExampleResult,
  ExperimentResult,
  ExperimentStatus,
  Fields,
  RunResult,
  RunStatus,
  Score,
  Task,
  TaskContext,
} from "./types.js";
