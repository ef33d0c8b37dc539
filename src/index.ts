export { ExperimentRunner, type ExperimentRunnerOptions, type RunOptions } from "./runner.js";
export { evaluate, type DataRecord, type EvaluateOptions } from "./evaluate.js";
export type { ExperimentInfo, RunInfo, RunListener } from "./engine/events.js";
export { defineEvaluator, defineExperiment, defineTask, type ExperimentDefinition } from "./define.js";
export { DatasetError, EvalwireError, ExitCode, LoadError, UsageError } from "./errors.js";
export type { CsvOptions, RunOverrides } from "./config/settings.js";
export type { PhoenixConnection, RetryPolicy } from "./phoenix/client.js";
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
export type { BaselineSettings } from "./config/settings.js";
export type { Judgement } from "./judge/experiment-judge.js";
export type { BaselineReport } from "./judge/baseline.js";
export type { GateResult, GateKind, GateVerdict } from "./judge/gate.js";
export type { EvaluatorScores } from "./judge/scorecard.js";
export type { EvaluatorThreshold, MaxErrors, Thresholds } from "./judge/thresholds.js";
export type { JsonReport, JsonExperiment } from "./report/json.js";
