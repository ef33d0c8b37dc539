import type { RunHead } from "../sinks/run-folder.js";

/**
 * A `--retry-errors` run of a shard stands in for the run it retried: it carries that run's
 * successful results and made its errored calls again. Given both (a runs folder, or an artifact
 * download, that holds the two), merge takes the retry and leaves the retried run out; `notes`
 * says so, one line each. A retry of a retry stands in for both.
 */
export function takeRetries(heads: RunHead[]): { heads: RunHead[]; notes: string[] } {
  const retriedBy = new Map<string, RunHead>();
  for (const head of heads) {
    const retried = head.run.metadata?.evalwire_retry_errors_of;
    if (typeof retried === "string") retriedBy.set(key(head, retried), head);
  }
  const notes: string[] = [];
  const kept = heads.filter((head) => {
    const retry = retriedBy.get(key(head, head.run.name));
    if (!retry) return true;
    notes.push(`${head.run.experiment} shard ${head.run.shard}: taking ${retry.run.name} (--retry-errors of ${head.run.name}) in its place`);
    return false;
  });
  return { heads: kept, notes };
}

/** A run of one shard of one experiment and run id, by name. */
function key(head: RunHead, name: string): string {
  return JSON.stringify([head.run.experiment, head.run.shard, head.run.runId ?? null, name]);
}
