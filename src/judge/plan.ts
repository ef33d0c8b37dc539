import { join } from "node:path";
import type { BaselineSettings } from "../config/settings.js";
import type { ExperimentFolder } from "../discovery/discover.js";
import { fileStem } from "../discovery/load-experiment.js";
import { shownPath } from "../shown-path.js";
import { parseMaxErrors, type ThresholdSources, type Thresholds, type ThresholdsTable, thresholdsFromTable, thresholdsPerExperiment } from "./thresholds.js";

/** How every experiment of a run will be judged, settled before any work starts. */
export interface JudgingPlan {
  /** Per experiment folder name. */
  thresholds: Map<string, Thresholds>;
  /** The baseline to compare with, and its gates; null when none is named. */
  baseline: BaselineSettings | null;
}

/**
 * Reads each folder's `[thresholds]`, merges them with the root's and the flags', and checks every
 * name against the evaluators discovery found: a UsageError (exit 2) naming the file and key.
 */
export function planJudging(folders: ExperimentFolder[], sources: ThresholdSources, baseline: BaselineSettings): JudgingPlan {
  const experiments = folders.map((folder) => {
    const ownLabel = shownPath(join(folder.dir, "evalwire.toml"));
    const table = folder.config.thresholds as ThresholdsTable | undefined;
    if (table?.max_errors !== undefined) parseMaxErrors(table.max_errors, `${ownLabel}: [thresholds] max_errors`);
    return { name: folder.name, evaluators: folder.evaluatorFiles.map(fileStem), own: thresholdsFromTable(table), ownLabel };
  });
  return { thresholds: thresholdsPerExperiment(experiments, sources), baseline: baseline.ref ? baseline : null };
}
