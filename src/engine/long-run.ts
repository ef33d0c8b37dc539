import { join } from "node:path";
import { type CacheMode, readsCache, TaskCache, taskCacheDir, writesCache } from "../cache/task-cache.js";
import { callKey, taskSourceHash } from "../cache/task-key.js";
import type { Dataset, Examples } from "../datasets/dataset.js";
import { describeSelection, type Selection, selectExamples } from "../datasets/selection.js";
import { firstLine } from "../errors.js";
import { changeRefusal, finishedRunOf, newestUnfinishedRun, resumeRefusal } from "../resume/resume-point.js";
import { shownPath } from "../shown-path.js";
import { type RunFile, type RunHead, readRunFile, readRunFolder, resultKey } from "../sinks/run-folder.js";
import { claimRun, liveRecorder } from "../sinks/run-lock.js";
import type { Example, ExampleResult } from "../types.js";
import { DoneCalls } from "./done-calls.js";
import type { Job } from "./ports.js";
import { formatShard, parseShard, type Shard } from "./shard.js";

/** DESIGN.md section 18: what a run may reuse, skip, retry or leave out. Every part is optional. */
export interface LongRunOptions {
  /** Only some examples (--limit, --sample, --example): the run is recorded as partial. */
  selection?: Selection | null | undefined;
  /** Tries after the first for a task call that failed with a transient error. */
  retries?: number | undefined;
  cache?: { mode: CacheMode; key: string | null; dir: string } | undefined;
  /** Finish an unfinished run: true for the newest of each experiment, or a run folder. */
  resume?: true | string | null | undefined;
  /** A run folder whose errored task calls run again, in a new run that carries its other results. */
  retryErrors?: string | null | undefined;
}

/** The examples a run takes, or why it cannot run (an --example id the dataset lacks). */
export function chooseExamples(
  dataset: Dataset,
  selection: Selection | null | undefined,
): { examples: Examples; selection?: { description: string; partial: boolean; choice: Selection }; problem?: string } {
  if (!selection) return { examples: dataset.examples };
  const chosen = selectExamples(dataset.examples, selection);
  if (chosen.missing.length > 0) {
    return { examples: [], problem: `dataset "${dataset.name}" has no example ${chosen.missing.map((id) => `"${id}"`).join(", ")} (--example takes an example id as in results.jsonl)` };
  }
  return { examples: chosen.examples, selection: { description: describeSelection(selection), partial: chosen.partial, choice: selection } };
}

/** The task's content hash, or null (with the reason) when esbuild cannot follow its imports. */
export async function taskHash(taskFile: string | undefined): Promise<{ hash: string | null; problem: string | null }> {
  if (!taskFile) return { hash: null, problem: null };
  try {
    return { hash: (await taskSourceHash(taskFile)).hash, problem: null };
  } catch (error) {
    return { hash: null, problem: firstLine(error) };
  }
}

/** An earlier run this one continues (--resume) or redoes the errors of (--retry-errors). */
export interface Prior {
  kind: "resume" | "retry-errors";
  folder: RunHead;
  /** (example, repetition) pairs not to run again. */
  done: DoneCalls;
  /** For --retry-errors: the successful results carried into the new run. */
  carried: ExampleResult[];
  /** For --retry-errors: the pairs to run again (all others are carried, or were never run). */
  rerun: Set<string> | null;
}

/** The experiment as it is now, and where and as which part of a run it records. */
interface ExperimentNow {
  experiment: string;
  runsDir: string;
  datasetVersion: string | null;
  taskHash: string | null;
  shard?: string | null;
  runId?: string | null;
}

/**
 * Finds and checks the run to continue. `refusal` names what changed (exit 2); null prior with no
 * refusal means a fresh run (no unfinished run of this experiment). A resumed run's results are
 * read later, by `readRecorded`, once the experiment can count and judge them.
 */
export function priorRun(options: LongRunOptions, current: ExperimentNow): { prior: Prior | null; refusal: string | null; note: string | null } {
  if (options.retryErrors) {
    const folder = readRunFolder(options.retryErrors);
    if (folder.run.experiment !== current.experiment) return { prior: null, refusal: `run ${folder.run.name} is of experiment ${folder.run.experiment}, not ${current.experiment}`, note: null };
    // Its calls never made would be neither carried nor run: the new run would pass on a part of the examples.
    if (folder.run.status === "running" || folder.run.status === "interrupted") return { prior: null, refusal: unfinished(folder), note: null };
    if (folder.results.length < folder.run.planned) {
      const held = `${folder.results.length} result${folder.results.length === 1 ? "" : "s"}`;
      const refusal = `run ${folder.run.name} holds ${held} of its ${folder.run.planned} planned task calls (the others were never recorded); start a new run`;
      return { prior: null, refusal, note: null };
    }
    const was = folder.run.dataset.version ?? null;
    if (was !== current.datasetVersion) {
      return {
        prior: null,
        refusal: `the dataset "${folder.run.dataset.name}" changed since run ${folder.run.name} (version ${was ?? "unknown"}, now ${current.datasetVersion ?? "unknown"}); its results cannot be carried`,
        note: null,
      };
    }
    const carried = folder.results.filter((result) => result.status === "ok");
    const rerun = new Set(folder.results.filter((result) => result.status !== "ok").map((result) => resultKey(result.exampleId, result.repetition)));
    const done = new DoneCalls();
    for (const result of carried) done.add(result.exampleId, result.repetition);
    const note = `retrying ${rerun.size} errored task call${rerun.size === 1 ? "" : "s"} of ${folder.run.name}; carrying ${carried.length} result${carried.length === 1 ? "" : "s"}`;
    return { prior: { kind: "retry-errors", folder, done, carried, rerun }, refusal: null, note };
  }
  if (!options.resume) return { prior: null, refusal: null, note: null };
  const dir = options.resume === true ? newestUnfinishedRun(current.runsDir, current.experiment, current.shard ?? null, current.runId ?? null) : options.resume;
  if (!dir) {
    return (
      (options.resume === true ? alreadyFinished(current) : null) ?? {
        prior: null,
        refusal: null,
        note: `no unfinished run of ${current.experiment} in ${shownPath(current.runsDir)}: starting a new one`,
      }
    );
  }
  const run = readRunFile(dir);
  const refusal = resumeRefusal(run, { experiment: current.experiment, datasetVersion: current.datasetVersion, taskHash: current.taskHash });
  if (refusal) return { prior: null, refusal, note: null };
  return resumed(dir, run, null);
}

/**
 * A bare --resume with a run id (a shard job of a CI run, run again) where this experiment's run
 * of that id and shard finished, its dataset and task unchanged: that run counts as it is and no
 * call runs again. A new run would be a second run of the shard, which merge refuses. (Without a
 * run id, a finished run cannot be told from yesterday's: a new run starts.)
 */
function alreadyFinished(current: ExperimentNow) {
  if (!current.runId) return null;
  const dir = finishedRunOf(current.runsDir, current.experiment, current.runId, current.shard ?? null);
  if (!dir) return null;
  const run = readRunFile(dir);
  const finished = `run ${run.name} of run id ${current.runId}${current.shard ? ` (shard ${current.shard})` : ""} finished (${run.status})`;
  const changed = changeRefusal(run, current);
  // Said, not silent: merge will find two runs of this shard and need to be given the new one.
  if (changed) return { prior: null, refusal: null, note: `${finished}, but ${changed.replace(/; start a new run$/, "")}: starting a new one` };
  return resumed(dir, run, `${finished}: it counts as it is; no call runs again`);
}

function resumed(dir: string, run: RunFile, note: string | null): { prior: Prior | null; refusal: string | null; note: string | null } {
  // Claimed now, not when the run store reopens the folder: a second resume checking meanwhile is refused.
  const recorder = claimRun(dir);
  if (recorder !== null) return { prior: null, refusal: stillRecorded(run.name, recorder, dir), note: null };
  return { prior: { kind: "resume", folder: { dir, run, skippedLines: [] }, done: new DoneCalls(), carried: [], rerun: null }, refusal: null, note };
}

function unfinished({ dir, run }: RunHead): string {
  const recorder = liveRecorder(dir);
  if (recorder !== null) return `run ${run.name} is still being recorded by process ${recorder}; wait for it to end, then retry its errors`;
  return `run ${run.name} is unfinished (status ${run.status}); finish it first (evalwire run --resume ${run.name}), then retry its errors`;
}

/** The pid in a lock may be an unrelated process's by now (after a reboot, in a new container): the way out is named. */
function stillRecorded(name: string, pid: number, dir: string): string {
  return `run ${name} is still being recorded by process ${pid}; wait for it to end, or stop it and resume then (if process ${pid} is not evalwire, delete ${shownPath(join(dir, "run.lock"))})`;
}

/**
 * What a run that continues another keeps of it: a resumed run goes on as it was started, with the
 * same examples, repetitions and shard; a --retry-errors run redoes the errors of its run's
 * examples, repetitions and shard, and is that run again (else the calls its run never had would
 * be planned, and never made). Without a prior run, what was asked. Another --shard is refused.
 */
export function continuing(
  prior: Prior | null,
  asked: { shard: Shard | null; repetitions: number; selection: Selection | null | undefined },
): { shard: Shard | null; repetitions: number; selection: Selection | null | undefined } | { refusal: string } {
  if (!prior) return asked;
  const { run } = prior.folder;
  const shard = typeof run.shard === "string" ? parseShard(run.shard, `${run.name}/run.json shard`) : null;
  if (asked.shard && (!shard || formatShard(shard) !== formatShard(asked.shard))) {
    const was = shard ? `shard ${formatShard(shard)}` : "not sharded";
    return { refusal: `run ${run.name} is ${was}${shard ? `, not ${formatShard(asked.shard)}` : ""}; leave --shard out to go on with it` };
  }
  return { shard, repetitions: run.settings.repetitions, selection: run.selection?.choice ?? null };
}

/** The (example, repetition) calls still to make; `wanted` narrows them further (a shard). */
export function* jobsToRun(
  examples: Iterable<Example> & Pick<Examples, "forRun">,
  repetitions: number,
  prior: Prior | null,
  wanted?: (exampleId: string, repetition: number) => boolean,
): Generator<Job> {
  const allDone = (id: string) => {
    for (let repetition = 1; repetition <= repetitions; repetition++) if ((!wanted || wanted(id, repetition)) && !prior!.done.has(id, repetition)) return false;
    return true;
  };
  // A resumed run's finished examples are left out unread, where the dataset can do that.
  const source = examples.forRun ? examples.forRun(prior?.kind === "resume" ? allDone : undefined) : examples;
  for (const example of source) {
    for (let repetition = 1; repetition <= repetitions; repetition++) {
      if (wanted && !wanted(example.id, repetition)) continue;
      if (prior?.done.has(example.id, repetition)) continue;
      if (prior?.rerun && !prior.rerun.has(resultKey(example.id, repetition))) continue;
      yield { example, repetition };
    }
  }
}

/** The task cache as one experiment uses it, or null when off. */
export class ExperimentCache {
  private readonly store: TaskCache;

  constructor(
    private readonly options: NonNullable<LongRunOptions["cache"]>,
    private readonly task: string,
    /** The task file's own `cacheKey`. */
    private readonly codeKey: string | null,
  ) {
    this.store = new TaskCache(taskCacheDir(options.dir));
  }

  static open(options: LongRunOptions["cache"], task: string | null, codeKey: string | null = null): ExperimentCache | null {
    return options && options.mode !== "off" && task ? new ExperimentCache(options, task, codeKey) : null;
  }

  keyOf(job: Job): string {
    const extras = this.codeKey === null ? [this.options.key] : [this.options.key, this.codeKey];
    return callKey({ task: this.task, example: { id: job.example.id, input: job.example.input }, repetition: job.repetition, extras });
  }

  /** The job with its cached output, when there is one and the mode reads. */
  lookUp(job: Job, key: string): Job {
    if (!readsCache(this.options.mode)) return job;
    const hit = this.store.get(key);
    return hit ? { ...job, cached: { output: hit.output, storedAt: hit.storedAt, durationMs: hit.durationMs } } : job;
  }

  /** Stores a call that succeeded, when the mode writes; an error never is. */
  keep(key: string, result: ExampleResult): void {
    if (writesCache(this.options.mode) && !result.cached) this.store.put(key, result);
  }
}
