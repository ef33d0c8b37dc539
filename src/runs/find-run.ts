import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { EvalwireError } from "../errors.js";
import type { Phoenix } from "../phoenix/client.js";
import { shownPath } from "../shown-path.js";
import { latestRun, localRun, readRunFile } from "./local-run.js";
import type { RecordedRun } from "./recorded-run.js";

/** A run that cannot be found or read; its message names the reference. */
export class RunNotFoundError extends EvalwireError {}

export interface FindRunOptions {
  runsDir: string;
  /** With the Phoenix backend: a reference that is no local run is tried as an experiment id. */
  phoenix?: Phoenix | null;
  /** For `latest`: the newest finished, complete run of this experiment…; for a run named, a run of it. */
  experiment?: string;
  /** …other than this one (the run in progress). */
  exclude?: string | null;
}

/**
 * Finds a recorded run by reference: `latest`, a run folder path, a run name in the runs folder,
 * or a Phoenix experiment id. Throws a RunNotFoundError naming the reference otherwise.
 */
export async function findRun(ref: string, options: FindRunOptions): Promise<RecordedRun> {
  if (ref === "latest") {
    if (!options.experiment) throw new RunNotFoundError(`"latest" needs an experiment to look for`);
    const found = latestRun(options.runsDir, options.experiment, options.exclude ?? null);
    if (!found) throw new RunNotFoundError(`baseline "latest": no finished, complete run of ${options.experiment} in ${shownPath(options.runsDir)}`);
    return localRun(found.dir, ref, found.run);
  }
  for (const dir of [resolve(ref), join(options.runsDir, ref)]) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    const run = readRunFile(dir);
    if (typeof run === "string") throw new RunNotFoundError(`"${ref}": ${run}`);
    // A baseline is a run of the same experiment: one of another matches none of its examples.
    if (options.experiment && run.experiment && run.experiment !== options.experiment) {
      throw new RunNotFoundError(`"${ref}" is a run of ${run.experiment}, not of ${options.experiment}; name a run of ${options.experiment}, or use --baseline latest`);
    }
    return localRun(dir, ref, run);
  }
  if (options.phoenix) {
    const { phoenixRun } = await import("./phoenix-run.js");
    const run = await phoenixRun(options.phoenix, ref);
    if (run) return run;
    throw new RunNotFoundError(`"${ref}": no run folder of that name in ${shownPath(options.runsDir)}, and no experiment with that id on ${options.phoenix.baseUrl}`);
  }
  throw new RunNotFoundError(`"${ref}": no run folder of that name in ${shownPath(options.runsDir)} and no such folder (a Phoenix experiment id needs the Phoenix backend)`);
}
