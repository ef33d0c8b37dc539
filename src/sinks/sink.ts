import type { RemoteDataset } from "../datasets/dataset.js";
import type { Selection } from "../datasets/selection.js";
import type { Example, ExampleResult, ExperimentResult } from "../types.js";
import type { RunHead } from "./run-folder.js";

export interface ExperimentHeader {
  /** The experiment name wanted; a sink may add a suffix to keep it unique. */
  name: string;
  experiment: string;
  dataset: { name: string; version: string | null; source: string | null; remote?: RemoteDataset | undefined };
  metadata: Record<string, unknown>;
  evaluators: string[];
  settings: { timeoutMs: number; repetitions: number; exampleConcurrency: number };
  planned: number;
  startedAt: string;
  /** The shard of the run's task calls this process runs (`2/4`), when sharded. */
  shard?: string;
  /** Shards with one run id record into one Phoenix experiment. */
  runId?: string | null;
  /** Links from the sinks opened before this one. */
  links?: Record<string, unknown>;
  /** The content hash of the task file and its local imports: a resumed run must have the same. */
  task?: { hash: string } | undefined;
  /** Set when the run takes only some examples (--limit, --sample, --example). */
  selection?: { description: string; partial: boolean; choice: Selection } | undefined;
}

/** Where one experiment's results are recorded, each as it finishes. */
export interface ExperimentRecording {
  /** The local run store (its location is the run folder), or a remote server (its location is a URL). */
  readonly kind: "store" | "remote";
  /** The name actually recorded under. */
  readonly name: string;
  /** A path or URL to show the user. */
  readonly location: string;
  /** What later sinks should know of this one (the run store writes it into run.json). */
  readonly link?: Record<string, unknown>;
  /** Runs each task in a span, when this sink records traces. */
  readonly tracer?: TaskTracer | null;
  /**
   * Records one result. The run store's returns at once and writes a turn's lines together after
   * it: what it could not write, `notRecorded` tells.
   */
  record(result: ExampleResult): void | Promise<void>;
  /** Results `record` took but could not write (a full disk), once every result is in; writes what is pending first. */
  notRecorded?(): { count: number; error: unknown } | null;
  /**
   * Keeps `state` (the engine's totals over every result recorded so far) where a resumed run can
   * find it; the run store's alone. Never throws: a checkpoint that cannot be written is skipped.
   */
  checkpoint?(state: unknown): void;
  /** Waits for work still in flight; says what could not be recorded (`run`: as the run store recorded it, and whether Ctrl-C stopped it). */
  drain?(run: { name: string; runPath: string | null; interrupted: boolean }): Promise<{ problem: string | null; warnings: string[] }>;
  finish(result: ExperimentResult): void | Promise<void>;
}

export interface Sink {
  open(header: ExperimentHeader): ExperimentRecording | Promise<ExperimentRecording>;
  /** Goes on recording an unfinished run (--resume): the same folder, the same remote experiment. */
  reopen?(run: RunHead, header: ExperimentHeader): ExperimentRecording | Promise<ExperimentRecording>;
}

/** One task call's span, when a sink records traces. */
export interface TaskSpan {
  readonly traceId: string;
  end(outcome: { output?: unknown; error?: string | null }): void;
}

export interface TaskTracer {
  start(example: Example, repetition: number): TaskSpan;
  /** Sends what is left; resolves with a warning when some spans could not be exported. */
  close(): Promise<string | null>;
}
