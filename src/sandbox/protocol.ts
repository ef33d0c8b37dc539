import type { ExperimentFolder } from "../discovery/discover.js";
import type { Loader } from "../discovery/load-module.js";
import type { JudgeHandoff } from "../evaluators/judge/settings.js";
import type { Evaluation, Example, ExampleResult } from "../types.js";

/** What the main thread tells an experiment's worker. */
export type ToWorker =
  /**
   * Load the folder's code with `loader` (unless the thread already set another); run at most
   * `concurrency` calls at once, each task and evaluator call within `timeoutMs` (0: no limit);
   * write each task's part of its result into `taskSlots` (task-slots.ts).
   */
  | { t: "load"; folder: ExperimentFolder; concurrency: number; timeoutMs: number; loader: Loader; taskSlots: SharedArrayBuffer }
  | { t: "jobs"; jobs: WorkerJob[] }
  /** Calls in flight at once from now on (adaptive concurrency: fewer after HTTP 429s). */
  | { t: "concurrency"; limit: number }
  /** Abort every call in flight (Ctrl-C): their signals fire, and they come back as interrupted. */
  | { t: "stop" }
  /** Start no call from now on (the run stops: its dataset changed); those sent come back null, those in flight end. */
  | { t: "start-none" }
  /** The run's [judge] settings and limit, for a thread started before the run read them (before its first load). */
  | { t: "judge"; judge: JudgeHandoff };

/** One call as the main thread keeps it; the experiment (the folder's name) and the time limit came with "load". */
export interface Call {
  seq: number;
  example: Example;
  repetition: number;
  /** Tries after the first for a transient task error. */
  retries?: number;
  /** A cached output: the task is not called, the evaluators score this. */
  cached?: { output: unknown; storedAt: string; durationMs: number };
}

/** One call as sent: with its example, or with the example's JSONL line for the worker to parse (line-example.ts). */
export type WorkerJob = Call | (Omit<Call, "example"> & { id: string; line: string });

/** What the worker tells the main thread. */
export type FromWorker =
  | { t: "loading"; file: string }
  | { t: "loaded"; evaluators: string[]; cacheKey: string | null; loader: Loader }
  | { t: "load-failed"; message: string; loader: Loader }
  /**
   * `tasks`: the task's part of a result (status ok, no evaluations yet), as its JSON (an object
   * when it is not JSON as it is), sent before its evaluators run when it had no room in the task
   * slots. `results`: results in the order they finished, as their JSON; only the evaluations (as
   * their JSON too) for a call whose task part was sent; null when the call was interrupted;
   * `lineChanged` when its example's JSONL line no longer parses (the file changed during the run).
   */
  | { t: "results"; tasks: [seq: number, task: string | ExampleResult][]; results: [seq: number, result: string | ExampleResult | Evaluation[] | null | typeof lineChanged][] }
  | { t: "escaped"; message: string };

export const lineChanged = "line-changed";

/**
 * Int32 slots shared with the worker, read without its help (its event loop may be blocked):
 * a counter it bumps on every turn of its loop, the call it last entered and in which phase, and
 * the last call it started (it starts them in the order sent).
 */
export const slot = { beat: 0, seq: 1, phase: 2, started: 3, size: 4 } as const;
/** How often the worker's loop bumps the beat. */
export const beatMs = 50;
