import { resolveSettings, type SettingsFlags } from "../config/settings.js";
import { UsageError } from "../errors.js";
import { ScoreMeans } from "../judge/score-means.js";
import { findRun, RunNotFoundError } from "./find-run.js";
import type { RecordedRun } from "./recorded-run.js";

/**
 * The run a command (export, compare, report) names: a local run folder or name, or with the
 * Phoenix backend a Phoenix experiment id. One it cannot find is a usage error naming it.
 */
export async function openRun(ref: string, flags: SettingsFlags): Promise<RecordedRun> {
  const settings = resolveSettings(flags, process.env, process.cwd());
  let phoenix = null;
  if (settings.backend.kind === "phoenix") {
    const { openPhoenix } = await import("../phoenix/client.js");
    const { baseUrl, apiKey, headers } = settings.backend;
    phoenix = openPhoenix({ baseUrl, apiKey, headers });
  }
  try {
    return await findRun(ref, { runsDir: settings.runsDir, phoenix });
  } catch (error) {
    if (error instanceof RunNotFoundError) throw new UsageError(`run ${error.message}`);
    throw error;
  }
}

/** Mean score per evaluator over a run's results (errors and missing scores left out, as the Python evalwire does). */
export async function runMeans(run: RecordedRun): Promise<{ calls: number; means: Record<string, number | null> }> {
  const scores = new ScoreMeans(run.evaluators);
  let calls = 0;
  for await (const result of run.results()) {
    calls++;
    scores.add(result.evaluations);
  }
  return { calls, means: scores.means() };
}
