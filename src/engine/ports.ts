import type { RunKnobs } from "../config/settings.js";
import type { DatasetRequest, DatasetSource } from "../datasets/source.js";
import type { BaselineOptions } from "../judge/experiment-judge.js";
import type { Thresholds } from "../judge/thresholds.js";
import type { Sink } from "../sinks/sink.js";
import type { Example, ExampleResult } from "../types.js";

/**
 * Where an experiment's code runs: a worker thread for a folder (so it cannot take evalwire down),
 * the caller's thread for `evaluate`. Never throws from `run`: a failure is a result.
 */
export interface Sandbox {
  /** The evaluators' names, in order. */
  readonly evaluators: string[];
  /** The task file's `cacheKey` export, part of every task call's cache key. */
  readonly cacheKey?: string | null;
  /** How many calls to keep asked for at once: the example concurrency, plus any the sandbox queues ahead. */
  readonly window: number;
  /** Share of time the thread running the calls was busy since the last time asked (0 to 1). */
  busy?(): number;
  /** Calls in flight at once from now on (adaptive concurrency), for a sandbox that queues calls itself. */
  setConcurrency?(limit: number): void;
  /** One task call and its evaluations; null when the run was interrupted before it finished. */
  run(job: Job): Promise<ExampleResult | null>;
  /** The run stops (its dataset changed): calls asked for and not started answer null, none starts; those in flight end. */
  stopStarting?(): void;
  /**
   * Resolves once the callbacks user code left due when its last call ended (promise jobs, 0 ms
   * timers, immediates) have run, so that an error they throw is told before the run is judged.
   */
  settle?(): Promise<void>;
  close(): Promise<void>;
}

export interface Job {
  example: Example;
  repetition: number;
  /** Tries after the first for a transient task error (default 0). */
  retries?: number;
  /** A cached output: the task is not called, the evaluators score this. */
  cached?: { output: unknown; storedAt: string; durationMs: number };
}

export interface SandboxOptions {
  /** Limit per call; 0 for none. */
  timeoutMs: number;
  /** Limit for loading the code; 0 for none. */
  loadTimeoutMs: number;
  /** Calls running at once: the experiment's example concurrency. */
  concurrency: number;
  stop: AbortSignal;
  events: SandboxEvents;
}

/** Hears what a sandbox's user code did outside any call. */
export interface SandboxEvents {
  /** An error escaped the task or an evaluator (not awaited, or thrown in a callback). */
  onEscaped(message: string): void;
}

/** The engine's view of one experiment: what to fetch and how to start its code. */
export interface ExperimentPlan {
  /** The experiment (folder) name. */
  experiment: string;
  dataset: DatasetRequest;
  knobs: RunKnobs;
  /** The task file, for the content hash the task cache and --resume check (none for `evaluate`). */
  taskFile?: string;
  /** How its results are judged (§13, §14); none: only errors fail it. */
  judging?: { thresholds: Thresholds; baseline: BaselineOptions | null };
  /** Starts the experiment's code; rejects with a LoadError naming the file at fault. */
  openSandbox(options: SandboxOptions): Promise<Sandbox>;
}

/** Where examples come from and where results go: the local run store, Phoenix, or both. */
export interface Backend {
  kind: "local" | "phoenix";
  /** The run store folder or the Phoenix URL, to tell the user. */
  location: string;
  datasets: DatasetSource;
  /** Sinks in the order they are opened: a later one can link to an earlier one (run.json links to Phoenix). */
  sinks: Sink[];
}
