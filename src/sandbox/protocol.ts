import type { ExperimentFolder } from "../discovery/discover.js";
import type { Loader } from "../discovery/load-module.js";
import type { PartialLoad } from "../errors.js";
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
  /** Calls, flat (see flatJobs). */
  | { t: "jobs"; jobs: FlatJobs }
  /** Calls in flight at once from now on (adaptive concurrency: fewer after HTTP 429s). */
  | { t: "concurrency"; limit: number }
  /** Abort every call in flight (Ctrl-C): their signals fire, and they come back as interrupted. */
  | { t: "stop" }
  /** Start no call from now on (the run stops: its dataset changed); those sent come back null, those in flight end. */
  | { t: "start-none" }
  /** Answer "settled" once the callbacks user code left due now (promise jobs, 0 ms timers, immediates) have run. */
  | { t: "settle" }
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
  /** heapMb: the heap the thread may use (its limit, or NODE_OPTIONS' --max-old-space-size). */
  | { t: "loaded"; evaluators: string[]; cacheKey: string | null; loader: Loader; heapMb: number }
  | { t: "load-failed"; message: string; partial: PartialLoad | undefined; loader: Loader }
  /**
   * `tasks`: the task's part of a result (status ok, no evaluations yet), as its JSON (an object
   * when it is not JSON as it is), sent before its evaluators run when it had no room in the task
   * slots. `results`: results in the order they finished, as their JSON; only the evaluations (as
   * their JSON too) for a call whose task part was sent; null when the call was interrupted;
   * `lineChanged` when its example's JSONL line no longer parses (the file changed during the run).
   */
  | { t: "results"; tasks: FlatPairs<string | ExampleResult>; results: FlatPairs<WorkerAnswer> }
  | { t: "escaped"; message: string }
  /** The answer to "settle": what those callbacks threw was sent ("escaped") before it. */
  | { t: "settled" };

export const lineChanged = "line-changed";

/** What the worker answers for one call (see "results"). */
export type WorkerAnswer = string | ExampleResult | Evaluation[] | null | typeof lineChanged;

// Calls and results cross as flat arrays, not as an object or a pair each: the message is cloned
// in about half the time (100,000 calls: 31 → 12 ms to send, and as much to receive).

/** Pairs laid end to end: seq, value, seq, value, ... */
export type FlatPairs<T> = (number | T)[];

/** Calls laid end to end, five entries each: seq, repetition, the line's example id or null, the line or the example, its options or null. */
export type FlatJobs = (number | string | Example | JobOptions | null)[];

type JobOptions = Pick<Call, "retries" | "cached">;

export function flatJobs(jobs: WorkerJob[]): FlatJobs {
  const flat: FlatJobs = [];
  for (const job of jobs) {
    const options = job.retries || job.cached ? { ...(job.retries ? { retries: job.retries } : {}), ...(job.cached ? { cached: job.cached } : {}) } : null;
    if ("line" in job) flat.push(job.seq, job.repetition, job.id, job.line, options);
    else flat.push(job.seq, job.repetition, null, job.example, options);
  }
  return flat;
}

export function jobsOfFlat(flat: FlatJobs): WorkerJob[] {
  const jobs: WorkerJob[] = [];
  for (let index = 0; index < flat.length; index += 5) {
    const seq = flat[index] as number;
    const repetition = flat[index + 1] as number;
    const id = flat[index + 2] as string | null;
    const options = flat[index + 4] as JobOptions | null;
    const job: WorkerJob = id === null ? { seq, repetition, example: flat[index + 3] as Example } : { seq, repetition, id, line: flat[index + 3] as string };
    if (options) Object.assign(job, options);
    jobs.push(job);
  }
  return jobs;
}

/**
 * Int32 slots shared with the worker, read without its help (its event loop may be blocked):
 * a counter it bumps on every turn of its loop, the call it last entered and in which phase, and
 * the last call it started (it starts them in the order sent).
 */
export const slot = { beat: 0, seq: 1, phase: 2, started: 3, size: 4 } as const;
/** How often the worker's loop bumps the beat. */
export const beatMs = 50;
