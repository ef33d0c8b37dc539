import { parseShard } from "../engine/shard.js";
import { UsageError } from "../errors.js";
import type { RunHead } from "../sinks/run-folder.js";

/**
 * The shards of the one run to merge, told apart by the run id they recorded (`run --shard I/N
 * --run-id ID`, or the CI's run id). With `runId`, that run's shards; without it, all of them when
 * they are of one run. Shards of several runs are a UsageError naming each run, its shard count and
 * whether it is whole, and how to pick one: merge never guesses which run was meant (a re-run's
 * first attempt is as whole as the second).
 */
export function pickRun(heads: RunHead[], runId: string | null): RunHead[] {
  const runs = new Map<string | null, RunHead[]>();
  for (const head of heads) {
    const id = head.run.runId ?? null;
    runs.set(id, [...(runs.get(id) ?? []), head]);
  }
  if (runId !== null) {
    const chosen = runs.get(runId);
    if (!chosen) throw new UsageError(`merge --run-id ${runId}: no shard given has run id ${runId} (found: ${[...runs.keys()].map(label).join(", ")})`);
    return chosen;
  }
  if (runs.size <= 1) return heads;
  const found = [...runs].map(([id, shards]) => `${label(id)} (${shards.length} shard${shards.length === 1 ? "" : "s"}, ${isWhole(shards) ? "whole" : "not whole"})`);
  const some = [...runs.keys()].find((id) => id !== null);
  throw new UsageError(`cannot merge: the shards are of ${runs.size} runs: ${found.join("; ")}; merge one with --run-id ${some}, or give one run's folders`);
}

function label(id: string | null): string {
  return id === null ? "no run id" : `run id ${id}`;
}

/** Every experiment has each of its N shards, and all split the run into the same N. */
function isWhole(shards: RunHead[]): boolean {
  const parsed = shards.map((head) => ({ experiment: head.run.experiment, shard: parseShard(head.run.shard ?? "", `${head.run.name}: "shard" in run.json`) }));
  const counts = new Set(parsed.map((each) => each.shard.count));
  if (counts.size !== 1) return false;
  const [count] = counts;
  const indexes = new Map<string, Set<number>>();
  for (const { experiment, shard } of parsed) indexes.set(experiment, (indexes.get(experiment) ?? new Set()).add(shard.index));
  return [...indexes.values()].every((set) => set.size === count);
}
