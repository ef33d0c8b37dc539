import { getHeapStatistics } from "node:v8";
import type { ResourceLimits } from "node:worker_threads";

/**
 * The heap an experiment's worker may use: the old generation the user set with
 * --max-old-space-size (in NODE_OPTIONS or on node's command line), else as much as the main
 * thread's whole heap (Node's default for the machine). Code that fills it ends its worker
 * (ERR_WORKER_OUT_OF_MEMORY), not the process; the message then gives this figure, which is the
 * one the user set (V8's heap_size_limit adds the young generation: 224 MB for 200).
 *
 * With a young generation of at most 24 MB: Node lets a worker 16 MB past its limit while it stops
 * it, and one scavenge of a larger young generation can promote more than that, which aborts the
 * whole process. Measured (a task keeping every string it makes): Node 20's default heap and young
 * generation (4,144 and 48 MB) aborted 2 times of 2, with 24 or 16 MB it stopped the worker; a
 * 256 MB heap with Node 24's default (192 MB) aborted 7 times of 10, with 8 to 48 MB none of 18.
 * No cost measured on a fast run's CPU time.
 */
export function workerHeapLimits(): ResourceLimits {
  const old = oldSpaceSetMb() ?? Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
  return { maxOldGenerationSizeMb: old, maxYoungGenerationSizeMb: Math.min(24, Math.max(8, Math.floor(old / 16))) };
}

/** The last --max-old-space-size given: node's command line wins over NODE_OPTIONS, as in Node. */
export function oldSpaceSetMb(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ""): number | null {
  return lastOldSpaceSize(execArgv) ?? lastOldSpaceSize(nodeOptions.split(/\s+/));
}

function lastOldSpaceSize(args: readonly string[]): number | null {
  let found: number | null = null;
  for (const [index, arg] of args.entries()) {
    const match = /^--max[-_]old[-_]space[-_]size(?:=(.*))?$/.exec(arg);
    if (!match) continue;
    const mb = Number(match[1] ?? args[index + 1]);
    if (Number.isInteger(mb) && mb > 0) found = mb;
  }
  return found;
}
