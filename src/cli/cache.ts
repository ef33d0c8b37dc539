import { TaskCache, taskCacheDir } from "../cache/task-cache.js";
import { resolveSettings } from "../config/settings.js";
import { ExitCode } from "../errors.js";
import { plural } from "../report/format.js";
import { shownPath } from "../shown-path.js";
import type { CacheFlags } from "./runs-options.js";

/** `evalwire cache clear`: removes every cached task output. */
export async function cacheClearCommand(flags: CacheFlags): Promise<number> {
  const settings = resolveSettings(flags, process.env, process.cwd());
  const cache = new TaskCache(taskCacheDir(settings.cache.dir));
  const removed = cache.clear();
  process.stdout.write(`Removed ${plural(removed, "cached task output")} from ${shownPath(cache.dir)}\n`);
  return ExitCode.ok;
}
