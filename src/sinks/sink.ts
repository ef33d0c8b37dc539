import type { ExampleResult, ExperimentResult } from "../types.js";

export interface ExperimentHeader {
  /** The experiment name wanted; a sink may add a suffix to keep it unique. */
  name: string;
  experiment: string;
  dataset: { name: string; version: string | null; source: string | null };
  metadata: Record<string, unknown>;
  evaluators: string[];
  settings: { timeoutMs: number; repetitions: number; exampleConcurrency: number };
  planned: number;
  startedAt: string;
}

/** Where one experiment's results are recorded, each as it finishes. */
export interface ExperimentRecording {
  /** The name actually recorded under. */
  readonly name: string;
  /** A path or URL to show the user. */
  readonly location: string;
  record(result: ExampleResult): void | Promise<void>;
  finish(result: ExperimentResult): void | Promise<void>;
}

export interface Sink {
  open(header: ExperimentHeader): ExperimentRecording | Promise<ExperimentRecording>;
}
