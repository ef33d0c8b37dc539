import { parseShard } from "../engine/shard.js";
import { UsageError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import { type RunFile, type RunHead, resultKey, scanResults } from "../sinks/run-folder.js";
import { liveRecorder } from "../sinks/run-lock.js";

/** One experiment's shards, one per index from 1 to count, in that order. */
export interface ShardGroup {
  experiment: string;
  count: number;
  shards: RunHead[];
}

/**
 * Groups the shard runs of one run (see pickRun) by experiment and checks that they join into whole
 * runs: one split (the same n), each shard of each experiment once, none missing, and within an experiment the
 * same dataset version, task, evaluators, repetitions and selection. A finished shard that completed
 * fewer calls than it planned, and did not fail on its own (that fails the merge), was cut short: a
 * UsageError too. Anything else is a UsageError naming the runs and what differs.
 */
export function groupShards(heads: RunHead[]): ShardGroup[] {
  const named = heads.map((head) => ({ head, shard: parseShard(head.run.shard ?? "", `${head.run.name}: "shard" in run.json`) }));
  for (const { head } of named) {
    if (head.run.status === "running" || head.run.status === "interrupted" || head.run.summary === undefined) {
      const recorder = liveRecorder(head.dir);
      if (recorder !== null) throw new UsageError(`cannot merge: ${head.run.name} is still being recorded by process ${recorder}; wait for it to end, then merge`);
      throw new UsageError(
        `cannot merge: ${head.run.name} is unfinished (status ${head.run.status}); finish it where it ran (evalwire run --resume ${head.run.name}) or run shard ${head.run.shard} again, then merge`,
      );
    }
    const { planned, completed } = countsOf(head.run);
    if (completed < planned && ownFailure(head.run) === null) {
      throw new UsageError(`cannot merge: ${shardLabel(head)} completed ${completed} of its ${planned} planned calls; run that shard again`);
    }
  }
  const first = named[0]!;
  for (const other of named) {
    if (other.shard.count !== first.shard.count) {
      throw new UsageError(`cannot merge: the shards split the run differently: ${first.head.run.name} is shard ${first.head.run.shard}, ${other.head.run.name} is shard ${other.head.run.shard}`);
    }
  }

  const byExperiment = new Map<string, (RunHead | undefined)[]>();
  for (const { head, shard } of named) {
    const slots = byExperiment.get(head.run.experiment) ?? new Array<RunHead | undefined>(shard.count).fill(undefined);
    const taken = slots[shard.index - 1];
    if (taken) {
      const twice = `cannot merge: ${head.run.experiment} shard ${head.run.shard} is given twice: ${taken.run.name} and ${head.run.name}`;
      const runId = head.run.runId ?? null;
      // With one run id, the shard ran twice in that run (a job run again, or an experiment a bare --resume ran anew after it had finished).
      if (runId !== null && runId === (taken.run.runId ?? null)) {
        throw new UsageError(`${twice}, both of run id ${runId} (that shard ran twice: again, or by a --resume after it had finished); give merge one of the two folders`);
      }
      throw new UsageError(`${twice} (shards of two runs? give one run's folders, or run the shards with --run-id ID and merge --run-id ID)`);
    }
    slots[shard.index - 1] = head;
    byExperiment.set(head.run.experiment, slots);
  }
  const groups: ShardGroup[] = [];
  for (const [experiment, slots] of [...byExperiment].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const missing = slots.flatMap((slot, index) => (slot ? [] : [`${index + 1}/${first.shard.count}`]));
    if (missing.length > 0) {
      const have = slots.filter((slot) => slot !== undefined).map((slot) => slot.run.shard);
      throw new UsageError(`cannot merge: ${experiment} shard ${missing.join(", ")} missing (given: ${have.join(", ")}); add the missing shard's run folder`);
    }
    const shards = slots as RunHead[];
    for (const shard of shards.slice(1)) sameRun(experiment, shards[0]!, shard);
    groups.push({ experiment, count: first.shard.count, shards });
  }
  return groups;
}

/** What must be the same in every shard of one experiment for their union to be one run. */
function sameRun(experiment: string, a: RunHead, b: RunHead): void {
  const differ = (what: string, x: unknown, y: unknown, hint: string) => {
    throw new UsageError(`cannot merge: ${experiment} shards differ in ${what}: ${a.run.name} has ${x}, ${b.run.name} has ${y}${hint}`);
  };
  const versionA = a.run.dataset.version ?? "none";
  const versionB = b.run.dataset.version ?? "none";
  if (versionA !== versionB) differ("dataset version", versionA, versionB, " (the dataset changed between the shards: run them again on one version)");
  const taskA = a.run.task?.hash;
  const taskB = b.run.task?.hash;
  if (taskA && taskB && taskA !== taskB)
    differ("task", `task hash ${taskA.slice(0, 12)}`, taskB.slice(0, 12), " (task.ts or its imports changed between the shards: run them again on one commit)");
  const evaluatorsA = [...a.run.evaluators].sort().join(", ");
  const evaluatorsB = [...b.run.evaluators].sort().join(", ");
  if (evaluatorsA !== evaluatorsB) differ("evaluators", evaluatorsA || "none", evaluatorsB || "none", "");
  if (a.run.settings.repetitions !== b.run.settings.repetitions) differ("repetitions", a.run.settings.repetitions, b.run.settings.repetitions, "");
  const selectionA = a.run.selection?.description ?? "every example";
  const selectionB = b.run.selection?.description ?? "every example";
  if (selectionA !== selectionB) differ("examples selected", selectionA, selectionB, "");
}

/**
 * Reads every shard's result keys (example id, repetition) and refuses a task call recorded by two
 * shards, naming it: the shards' calls must be disjoint for their union to be the run. Within one
 * shard a later line for the same call wins, as when its run folder is read. Refuses as well a
 * shard holding fewer results than its run.json says it completed (lost, cut or unreadable lines):
 * merged, it would be judged as a partial run, whose gates are not applied.
 */
export function checkResults(group: ShardGroup): void {
  const owner = new Map<string, RunHead>();
  for (const shard of group.shards) {
    const own = new Set<string>();
    scanResults(shard.dir, (result) => {
      const key = resultKey(result.exampleId, result.repetition);
      if (own.has(key)) return;
      own.add(key);
      const other = owner.get(key);
      if (other) {
        throw new UsageError(
          `cannot merge: ${group.experiment} example ${result.exampleId} repetition ${result.repetition} is in two shards: ${other.run.name} and ${shard.run.name} (were these folders edited or copied?)`,
        );
      }
      owner.set(key, shard);
    });
    const { completed } = countsOf(shard.run);
    if (own.size < completed) {
      throw new UsageError(`cannot merge: ${shardLabel(shard)} holds ${own.size} results, its run.json says ${completed} completed; run that shard again`);
    }
  }
}

/** Why a finished shard failed other than by its (not applied) gates: a load, dataset or recording error; else null. */
export function ownFailure(run: RunFile): string | null {
  const summary = run.summary as { failure?: string | null; judgement?: { failure?: string | null } } | undefined;
  const failure = summary?.failure ?? null;
  return failure !== null && failure !== (summary?.judgement?.failure ?? null) ? failure : null;
}

/** A finished shard's planned and completed calls, from its run.json summary. */
export function countsOf(run: RunFile): { planned: number; completed: number } {
  const summary = (run.summary ?? {}) as { planned?: number; completed?: number };
  return { planned: Number(summary.planned ?? run.planned), completed: Number(summary.completed ?? 0) };
}

/** `search shard 3/4 (shards/eval_search_…-shard-3-of-4)`. */
function shardLabel(head: RunHead): string {
  return `${head.run.experiment} shard ${head.run.shard} (${shownPath(head.dir)})`;
}
