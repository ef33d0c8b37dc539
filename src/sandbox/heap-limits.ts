import { getHeapStatistics } from "node:v8";
import type { ResourceLimits } from "node:worker_threads";

/**
 * The heap an experiment's worker may use: as much as the main thread's (Node's default for the
 * machine, or NODE_OPTIONS=--max-old-space-size, which Node applies to workers too). Code that
 * fills it ends its worker (ERR_WORKER_OUT_OF_MEMORY), not the process.
 *
 * With a young generation of at most 24 MB: Node lets a worker 16 MB past its limit while it stops
 * it, and one scavenge of a larger young generation can promote more than that, which aborts the
 * whole process. Measured (a task keeping every string it makes): Node 20's default heap and young
 * generation (4,144 and 48 MB) aborted 2 times of 2, with 24 or 16 MB it stopped the worker; a
 * 256 MB heap with Node 24's default (192 MB) aborted 7 times of 10, with 8 to 48 MB none of 18.
 * No cost measured on a fast run's CPU time.
 */
export function workerHeapLimits(): ResourceLimits {
  const old = Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
  return { maxOldGenerationSizeMb: old, maxYoungGenerationSizeMb: Math.min(24, Math.max(8, Math.floor(old / 16))) };
}
