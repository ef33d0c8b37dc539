import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Settings } from "../config/settings.js";
import { discoverExperiments, type ExperimentFolder } from "../discovery/discover.js";
import { UsageError } from "../errors.js";
import type { Judgement } from "../judge/experiment-judge.js";
import { gateLabel, number } from "../judge/gate.js";
import { evaluatorsOf } from "../judge/plan.js";
import { type EvaluatorThreshold, parseMaxErrors, type Thresholds, type ThresholdsTable, thresholdsFromTable, thresholdsPerExperiment } from "../judge/thresholds.js";
import { shownPath } from "../shown-path.js";
import type { ShardGroup } from "./shard-groups.js";

/**
 * The thresholds each merged experiment is judged by, read as `evalwire run` reads them: the root
 * evalwire.toml's `[thresholds]`, the experiment folder's own (when its folder is in the
 * experiments folder, one of `folders`), then merge's `--threshold` / `--max-errors`. As in `run`, a
 * root threshold may name an evaluator of any experiment in the folder (the shards may be of one
 * experiment); one no experiment has, or a flag naming one the shards did not run, is a UsageError.
 * `warn` is told of an experiment whose folder is not there.
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
  const rootEvaluators = new Set([...folders.flatMap(evaluatorsOf), ...experiments.flatMap((experiment) => experiment.evaluators)]);
  return thresholdsPerExperiment(experiments, settings.thresholds, rootEvaluators);
}

/**
 * The experiment folders merge reads thresholds and datasets from. An experiments folder the user
 * `named` (`--experiments DIR`, `[experiments] dir`) must be there and hold experiments, as in `run`:
 * a typo would drop every folder's own gates unseen. The default folder may be absent (none then).
 */
export function experimentFolders(dir: string, named: string | null = null): ExperimentFolder[] {
  if (named !== null) {
    if (!existsSync(dir)) throw new UsageError(`${named}: no such folder: ${shownPath(dir)} (merge reads each experiment's evalwire.toml [thresholds] there); give the experiments folder`);
    return discoverExperiments(dir);
  }
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
 * merge does not apply with the same bar, in one line for the experiment, so a bar never changes
 * unseen; null when there are none. A bar given to merge itself (`given`: its --threshold,
 * --max-errors) is chosen on purpose and left out, as is a bar of max_errors given as a share (on
 * either side), which depends on the calls counted.
 */
export function barsNotApplied(group: ShardGroup, judgement: Judgement, thresholds: Thresholds, given: Thresholds): string | null {
  const recorded = (shard: ShardGroup["shards"][number]) => (shard.run.summary as { judgement?: Judgement } | undefined)?.judgement?.gates ?? [];
  const errorBars = new Set(group.shards.map((shard) => recorded(shard).find((gate) => gate.gate === "max_errors")?.bar));
  const errorsAsShare = errorBars.size > 1 || (thresholds.maxErrors !== undefined && "percent" in thresholds.maxErrors);
  const changed: string[] = [];
  for (const gate of recorded(group.shards[0]!)) {
    if (gate.gate === "max_mean_drop" || gate.gate === "max_regressions" || (gate.gate === "max_errors" && errorsAsShare)) continue;
    const onPurpose = gate.gate === "max_errors" ? given.maxErrors !== undefined : given.evaluators[gate.evaluator ?? ""]?.[gate.gate as keyof EvaluatorThreshold] !== undefined;
    if (onPurpose) continue;
    const applied = judgement.gates.find((each) => each.gate === gate.gate && each.evaluator === gate.evaluator);
    if (applied?.bar === gate.bar) continue;
    changed.push(`${gateLabel(gate)} bar ${number(gate.bar)}, merge applies ${applied ? number(applied.bar) : "none"}`);
  }
  if (changed.length === 0) return null;
  return `${group.experiment}: the shards ran with ${changed.join("; ")} (merge reads evalwire.toml and its own --threshold, --max-errors)`;
}
