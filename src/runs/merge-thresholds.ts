import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Settings } from "../config/settings.js";
import { discoverExperiments, type ExperimentFolder } from "../discovery/discover.js";
import { UsageError } from "../errors.js";
import type { Judgement } from "../judge/experiment-judge.js";
import { gateLabel, number } from "../judge/gate.js";
import { parseMaxErrors, type Thresholds, type ThresholdsTable, thresholdsFromTable, thresholdsPerExperiment } from "../judge/thresholds.js";
import { shownPath } from "../shown-path.js";
import type { ShardGroup } from "./shard-groups.js";

/**
 * The thresholds each merged experiment is judged by, read as `evalwire run` reads them: the root
 * evalwire.toml's `[thresholds]`, the experiment folder's own (when its folder is in the
 * experiments folder, one of `folders`), then merge's `--threshold` / `--max-errors`. A threshold naming an evaluator
 * the shards did not run is a UsageError, as in `run`. `warn` is told of an experiment whose folder
 * is not there.
 */
export function mergeThresholds(
  groups: ShardGroup[],
  folders: ExperimentFolder[],
  settings: Pick<Settings, "experimentsDir" | "thresholds">,
  warn: (message: string) => void,
): Map<string, Thresholds> {
  const experiments = groups.map((group) => {
    const folder = folders.find((each) => each.name === group.experiment);
    const ownLabel = shownPath(join(folder?.dir ?? join(settings.experimentsDir, group.experiment), "evalwire.toml"));
    if (!folder) warn(`${group.experiment}: no such experiment folder in ${shownPath(settings.experimentsDir)}: its own [thresholds] are not read (give --experiments DIR)`);
    if (folder?.configError) throw new UsageError(folder.configError);
    const table = folder?.config.thresholds as ThresholdsTable | undefined;
    if (table?.max_errors !== undefined) parseMaxErrors(table.max_errors, `${ownLabel}: [thresholds] max_errors`);
    return { name: group.experiment, evaluators: group.shards[0]!.run.evaluators, own: thresholdsFromTable(table), ownLabel };
  });
  return thresholdsPerExperiment(experiments, settings.thresholds);
}

/** The experiment folders merge reads thresholds and datasets from; none when there is no experiments folder. */
export function experimentFolders(dir: string): ExperimentFolder[] {
  if (!existsSync(dir)) return [];
  try {
    return discoverExperiments(dir);
  } catch {
    // No experiments there: every experiment is judged by the root's thresholds and the flags.
    return [];
  }
}

/**
 * The threshold gates the shards were run with (from the flags of `run --shard`, say) that the
 * merge does not apply with the same bar: one line each, so a bar never changes unseen. A bar of
 * max_errors given as a share (on either side) depends on the calls counted, and is left out.
 */
export function barsNotApplied(group: ShardGroup, judgement: Judgement, thresholds: Thresholds): string[] {
  const recorded = (shard: ShardGroup["shards"][number]) => (shard.run.summary as { judgement?: Judgement } | undefined)?.judgement?.gates ?? [];
  const errorBars = new Set(group.shards.map((shard) => recorded(shard).find((gate) => gate.gate === "max_errors")?.bar));
  const errorsAsShare = errorBars.size > 1 || (thresholds.maxErrors !== undefined && "percent" in thresholds.maxErrors);
  const lines: string[] = [];
  for (const gate of recorded(group.shards[0]!)) {
    if (gate.gate === "max_mean_drop" || gate.gate === "max_regressions" || (gate.gate === "max_errors" && errorsAsShare)) continue;
    const applied = judgement.gates.find((each) => each.gate === gate.gate && each.evaluator === gate.evaluator);
    if (applied?.bar === gate.bar) continue;
    const now = applied ? `merge applies ${number(applied.bar)}` : "merge does not apply it";
    lines.push(`${group.experiment}: the shards ran with ${gateLabel(gate)} bar ${number(gate.bar)}; ${now} (merge reads evalwire.toml and its own --threshold, --max-errors)`);
  }
  return lines;
}
