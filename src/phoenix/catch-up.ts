import { readRunFolder } from "../sinks/run-folder.js";
import type { Phoenix } from "./client.js";

/**
 * After Phoenix was away for a while (a restart, say) and is back, posts what it missed from the run
 * store, as `evalwire sync` would. Says what it did, or null when Phoenix still cannot take it.
 */
export async function catchUp(phoenix: Phoenix, runPath: string, concurrency: number, why: string | null): Promise<string | null> {
  const { syncRun } = await import("./sync.js");
  try {
    const synced = await syncRun(phoenix, readRunFolder(runPath), { concurrency });
    if (synced.problem) return null;
    return `Phoenix could not be reached for a while (${why}); the ${synced.runs.posted} runs and ${synced.evaluations.posted} evaluations it missed were posted at the end`;
  } catch {
    return null;
  }
}
