import type { Settings } from "../config/settings.js";
import { loadLocalDataset } from "../datasets/local.js";
import type { ExperimentFolder } from "../discovery/discover.js";
import { firstLine } from "../errors.js";
import type { RunFile } from "../sinks/run-folder.js";
import type { Example } from "../types.js";

/**
 * A merged experiment's examples by id, in the dataset's order: the merged run lists its calls in
 * that order, and the reporters that show each call's input and expected output (HTML) get them
 * (results.jsonl keeps neither). They are read again from the local dataset file, and only when
 * its content is still the version the shards ran on. Otherwise (a Phoenix dataset, a changed
 * file, no experiment folder) a reason: the calls are listed shard by shard, and the reports go
 * without inputs.
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

/** Each example's place in the dataset, from examplesOf's map. */
export function placesOf(examples: ReadonlyMap<string, unknown>): Map<string, number> {
  const places = new Map<string, number>();
  for (const id of examples.keys()) places.set(id, places.size);
  return places;
}
