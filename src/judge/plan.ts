import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { BaselineSettings } from "../config/settings.js";
import type { ExperimentFolder } from "../discovery/discover.js";
import { fileStem } from "../discovery/load-experiment.js";
import { exampleRubricName } from "../evaluators/rubric/example-rubric.js";
import { rubricFileName } from "../evaluators/rubric/load-rubric.js";
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
 * name against the folder's evaluators (its files, its rubric.yaml criteria, and `rubric`, the
 * examples' own criteria): a UsageError (exit 2) naming the file and key.
 */
export function planJudging(folders: ExperimentFolder[], sources: ThresholdSources, baseline: BaselineSettings, everyFolder: ExperimentFolder[] = folders): JudgingPlan {
  const rubricNamed = [sources.root, sources.flags].some((layer) => exampleRubricName in layer.evaluators);
  const rootEvaluators = new Set(everyFolder.flatMap((folder) => [...evaluatorsOf(folder), ...(rubricNamed ? [exampleRubricName] : [])]));
  const experiments = folders.map((folder) => {
    const ownLabel = shownPath(join(folder.dir, "evalwire.toml"));
    const table = folder.config.thresholds as ThresholdsTable | undefined;
    if (table?.max_errors !== undefined) parseMaxErrors(table.max_errors, `${ownLabel}: [thresholds] max_errors`);
    const own = thresholdsFromTable(table);
    // `rubric` scores the examples' own criteria; whether there are any is known once the dataset is read.
    const rubricNamedHere = rubricNamed || exampleRubricName in own.evaluators;
    const evaluators = [...evaluatorsOf(folder), ...(rubricNamedHere ? [exampleRubricName] : [])];
    return { name: folder.name, evaluators, own, ownLabel };
  });
  return { thresholds: thresholdsPerExperiment(experiments, sources, rootEvaluators), baseline: baseline.ref ? baseline : null };
}

/** The evaluator names a folder declares: its evaluator files' stems and its rubric.yaml criteria. */
export function evaluatorsOf(folder: ExperimentFolder): string[] {
  return [...folder.evaluatorFiles.map(fileStem), ...rubricNames(folder.dir)];
}

/**
 * The evaluator names a folder's rubric.yaml declares (`name`, else `type`), read without compiling
 * it: a rubric that does not load fails its experiment later, with the loader's message.
 */
function rubricNames(dir: string): string[] {
  const file = join(dir, rubricFileName);
  if (!existsSync(file)) return [];
  try {
    const criteria = (parse(readFileSync(file, "utf8")) as { criteria?: unknown } | null)?.criteria;
    if (!Array.isArray(criteria)) return [];
    return criteria.map((c: { name?: unknown; type?: unknown }) => (typeof c?.name === "string" ? c.name : c?.type)).filter((name): name is string => typeof name === "string");
  } catch {
    return [];
  }
}
