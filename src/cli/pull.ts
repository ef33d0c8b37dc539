import { existsSync, mkdirSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { stringify } from "yaml";
import { resolveSettings, type Settings } from "../config/settings.js";
import { datasetNameOf, discoverExperiments } from "../discovery/discover.js";
import { DatasetError, ExitCode, UsageError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import type { Example } from "../types.js";
import { writeAtomically } from "../write-atomically.js";
import { phoenixConnection } from "./environment.js";
import type { PullFlags } from "./testset-options.js";
import { noPhoenix } from "./upload.js";

type PullFormat = "jsonl" | "json" | "yaml";
const formats: Record<string, PullFormat> = { ".jsonl": "jsonl", ".json": "json", ".yaml": "yaml", ".yml": "yaml" };

/** Writes a Phoenix dataset to a local file, ids kept, so a run with the local backend lines up with Phoenix. */
export async function pullCommand(name: string, flags: PullFlags): Promise<number> {
  if (name.trim() === "") throw new UsageError(`pull takes a dataset's name (got ${JSON.stringify(name)})`);
  const cwd = process.cwd();
  const settings = resolveSettings(flags, process.env, cwd);
  const connection = phoenixConnection(settings);
  if (!connection) throw new UsageError(noPhoenix("pull"));
  const output = flags.output !== undefined ? resolve(cwd, flags.output) : defaultOutput(name, settings, flags.experiments !== undefined);
  const format = formats[extname(output).toLowerCase()];
  if (!format) throw new UsageError(`--output ${flags.output}: pull writes .jsonl, .json, .yaml or .yml files`);

  const { openPhoenix } = await import("../phoenix/client.js");
  const { PhoenixDatasets } = await import("../phoenix/dataset-source.js");
  // The same fetch as a run's, with hints for this command.
  const datasets = new PhoenixDatasets(openPhoenix(connection), { noDataset: "check the name (evalwire upload creates datasets)", noVersion: "check --version", noSplit: "check --split" });
  const { version: versionId, examples: fetched } = await datasets.load({ name, experimentDir: cwd, version: flags.version, splits: flags.split });
  const examples = [...fetched];
  writeDataset(output, render(examples, format));
  process.stdout.write(`Pulled ${examples.length} examples of ${name} (version ${versionId}) to ${shownPath(output)}\n`);
  return ExitCode.ok;
}

/** Records `{ id, input, output, metadata }`, as the local backend reads them. */
function render(examples: Example[], format: PullFormat): string {
  const records = examples.map(({ id, input, output, metadata }) => ({ id, input, output, metadata }));
  if (format === "jsonl") return records.map((record) => `${JSON.stringify(record)}\n`).join("");
  if (format === "json") return `${JSON.stringify(records, null, 2)}\n`;
  return stringify(records);
}

/** A failed pull leaves the old file as it was. */
function writeDataset(file: string, text: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeAtomically(file, text);
  } catch (error) {
    throw new DatasetError(`cannot write ${shownPath(file)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * Where `run --backend local` will look for the dataset: the dataset file of the one experiment
 * folder that uses it, else `<datasets_dir>/NAME.jsonl` when [local] datasets_dir is set, else
 * `./NAME.jsonl`.
 */
function defaultOutput(name: string, settings: Settings, experimentsFlag: boolean): string {
  let folders: ReturnType<typeof discoverExperiments> = [];
  try {
    folders = discoverExperiments(settings.experimentsDir);
  } catch (error) {
    // No experiments folder is fine unless one was named.
    if (!(error instanceof UsageError) || experimentsFlag) throw error;
  }
  const users = folders.filter((folder) => datasetNameOf(folder) === name);
  if (users.length > 1) {
    throw new UsageError(`dataset "${name}" is used by experiments ${users.map((f) => f.name).join(", ")}: pass --output PATH to say where to write it`);
  }
  if (users[0]) return datasetFile(users[0].dir, "dataset");
  if (settings.datasetsDir) return datasetFile(settings.datasetsDir, name);
  return resolve(process.cwd(), `${name}.jsonl`);
}

/** `<dir>/<stem>.jsonl`, or the dataset file already there in another format pull writes; never a second dataset file beside a CSV. */
function datasetFile(dir: string, stem: string): string {
  const existing = [".jsonl", ".json", ".yaml", ".yml", ".csv"].map((ext) => join(dir, `${stem}${ext}`)).filter((file) => existsSync(file));
  const csv = existing.find((file) => file.endsWith(".csv"));
  if (csv) throw new UsageError(`${shownPath(csv)} exists, and a second dataset file beside it would be ambiguous: pass --output PATH, or remove it`);
  return existing[0] ?? join(dir, `${stem}.jsonl`);
}
