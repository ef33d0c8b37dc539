import type { Example, ExampleResult, ExperimentResult } from "../types.js";

export interface RunInfo {
  backend: "local" | "phoenix";
  /** Where results go: the run store folder, or the Phoenix URL. */
  location: string;
  /** The local run store, written in both backends. */
  runsDir: string;
  experimentsDir: string;
  experiments: string[];
  /** Examples per experiment in a dry run, or false. */
  dryRun: number | false;
  timestamp: string;
}

export interface ConcurrencyChange {
  limit: number;
  previous: number;
  /** The configured example concurrency. */
  max: number;
  reason: "rate-limited" | "recovering";
}

export interface ExperimentInfo {
  experiment: string;
  dataset: string;
  /** Task calls planned, once the dataset is loaded. */
  planned: number;
  evaluators: string[];
}

/**
 * What the engine tells whoever listens (reporters). Every hook is optional; listeners see
 * read-only results, never the engine's state.
 */
export interface RunListener {
  onRunStart?(run: RunInfo): void;
  onExperimentStart?(experiment: ExperimentInfo): void;
  /** `example` is the dataset example the result is for (a dry run shows its expected output). */
  onResult?(experiment: ExperimentInfo, result: ExampleResult, example: Example): void;
  onExperimentEnd?(result: ExperimentResult): void;
  onWarning?(message: string): void;
  /** Something the user should know that is not wrong: a run resumed, errors being retried. */
  onNote?(message: string): void;
  /** An experiment's example concurrency changed: down on HTTP 429s, back up as calls go through. */
  onConcurrency?(experiment: ExperimentInfo, change: ConcurrencyChange): void;
  onRunEnd?(results: ExperimentResult[], run: RunInfo): void | Promise<void>;
}
