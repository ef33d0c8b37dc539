import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunFile } from "../sinks/run-folder.js";

/** What a run is checked against before it is resumed: the experiment as it is now. */
export interface CurrentExperiment {
  experiment: string;
  datasetVersion: string | null;
  /** TaskSource.hash of the task file and its local imports. */
  taskHash: string | null;
}

/**
 * Why `run` cannot be resumed as the experiment is now, naming what changed, or null when it can.
 * Results made by other code or on other examples would not be one run.
 */
export function resumeRefusal(run: RunFile & { task?: { hash?: string } }, now: CurrentExperiment): string | null {
  if (run.experiment !== now.experiment) return `run ${run.name} is of experiment ${run.experiment}, not ${now.experiment}`;
  if (run.status !== "running" && run.status !== "interrupted")
    return `run ${run.name} is not unfinished (it ${run.status === "passed" || run.status === "failed" ? run.status : `is ${run.status}`}); nothing to resume`;
  return changeRefusal(run, now);
}

/** What changed since `run` (its dataset, its task), so that its results are not this experiment's now, or null. */
export function changeRefusal(run: RunFile & { task?: { hash?: string } }, now: CurrentExperiment): string | null {
  const was = run.dataset.version ?? null;
  if (was !== now.datasetVersion) return `the dataset "${run.dataset.name}" changed since run ${run.name} (version ${was ?? "unknown"}, now ${now.datasetVersion ?? "unknown"}); start a new run`;
  const taskWas = run.task?.hash ?? null;
  if (taskWas === null) return `run ${run.name} does not record its task's content hash (recorded by an older evalwire); start a new run`;
  if (taskWas !== now.taskHash) return `the task of ${now.experiment} changed since run ${run.name} (task file or a file it imports); start a new run`;
  return null;
}

/**
 * The newest finished run (passed or failed) of `experiment` in `runsDir` with the run id `runId`
 * and the shard `shard` (or none), or null.
 */
export function finishedRunOf(runsDir: string, experiment: string, runId: string, shard: string | null): string | null {
  return newestRun(runsDir, (run) => run.experiment === experiment && (run.status === "passed" || run.status === "failed") && run.runId === runId && (run.shard ?? null) === shard);
}

/**
 * The newest run of `experiment` in `runsDir` that did not finish (crashed, killed or interrupted),
 * or null; with `shard` ("2/4"), the newest of that shard's runs; with `runId`, of that run id's
 * (another run id's unfinished run is another run, not this one to go on with).
 */
export function newestUnfinishedRun(runsDir: string, experiment: string, shard: string | null = null, runId: string | null = null): string | null {
  return newestRun(
    runsDir,
    (run) => run.experiment === experiment && (run.status === "running" || run.status === "interrupted") && (shard === null || run.shard === shard) && (runId === null || run.runId === runId),
  );
}

function newestRun(runsDir: string, wanted: (run: Partial<RunFile>) => boolean): string | null {
  if (!existsSync(runsDir)) return null;
  let newest: { dir: string; startedAt: string } | null = null;
  for (const name of readdirSync(runsDir)) {
    const dir = join(runsDir, name);
    let run: Partial<RunFile>;
    try {
      run = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as Partial<RunFile>;
    } catch {
      continue;
    }
    if (!wanted(run) || typeof run.startedAt !== "string") continue;
    if (!newest || run.startedAt > newest.startedAt) newest = { dir, startedAt: run.startedAt };
  }
  return newest?.dir ?? null;
}
