import type { Settings } from "../config/settings.js";
import { loadLocalDataset } from "../datasets/local.js";
import type { ExperimentFolder } from "../discovery/discover.js";
import { firstLine } from "../errors.js";
import type { RunFile } from "../sinks/run-folder.js";
import type { Example } from "../types.js";

/**
 * A merged experiment's examples by id, for the reporters that show each call's input and expected
 * output (HTML): results.jsonl keeps neither. They are read again from the local dataset file, and
 * only when its content is still the version the shards ran on. Otherwise (a Phoenix dataset, a
 * changed file, no experiment folder) a reason, and the reports go without them.
 */
export function examplesOf(run: RunFile, folder: ExperimentFolder | undefined, settings: Pick<Settings, "datasetsDir" | "csv">): Map<string, Example> | string {
  if (run.dataset.remote) return "a Phoenix dataset, not read by merge";
  if (!folder) return "no experiment folder to find its dataset in";
  try {
    const dataset = loadLocalDataset(run.dataset.name, { experimentDir: folder.dir, datasetsDir: settings.datasetsDir, csv: settings.csv });
    if (dataset.version !== run.dataset.version) return `its dataset changed since the shards ran (now ${dataset.version})`;
    return new Map(Array.from(dataset.examples, (example) => [example.id, example]));
  } catch (error) {
    return firstLine(error);
  }
}
