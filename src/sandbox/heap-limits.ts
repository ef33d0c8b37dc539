import { getHeapStatistics } from "node:v8";
import type { ResourceLimits } from "node:worker_threads";

/**
 * The heap an experiment's worker may use: as much as the main thread's (Node's default for the
 * machine, or NODE_OPTIONS=--max-old-space-size, which Node applies to workers too). Given as
 * limits, so that code running out of it ends its worker (ERR_WORKER_OUT_OF_MEMORY) and not the
 * process, as it does with no limits given.
 *
 * Node lets a worker past its limit by 16 MB while it stops it; one scavenge of Node 24's 192 MB
 * young generation can promote more than that and abort the process. Measured with a 256 MB limit:
 * 5 of 6 runs aborted with the default young generation, none of 18 with 8 to 48 MB. A small heap
 * gets a young generation of a sixteenth of it; from 1 GB the default stays (no run aborted).
 */
export function workerHeapLimits(): ResourceLimits {
  const old = Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
  return old >= 1024 ? { maxOldGenerationSizeMb: old } : { maxOldGenerationSizeMb: old, maxYoungGenerationSizeMb: Math.max(8, Math.floor(old / 16)) };
}
