import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { CsvOptions } from "../config/settings.js";
import { DatasetError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import type { Example } from "../types.js";
import { parseCsv } from "./csv.js";
import { contentHash, type Dataset, type RawRecord, toExamples } from "./dataset.js";
import { parseDocumentRecords } from "./document.js";
import { openJsonlFile } from "./jsonl-file.js";
import type { RememberedChecks } from "./remembered-checks.js";

const extensions = ["jsonl", "json", "csv", "yaml", "yml"] as const;

export interface LocalDatasetOptions {
  /** The experiment folder, searched first for dataset.<ext>. */
  experimentDir: string;
  /** Searched next, for <name>.<ext>. */
  datasetsDir: string | null;
  csv: CsvOptions;
  /** When set, the file's content hash must start with it. */
  version?: string | undefined;
  /** Checks of JSONL files remembered by content hash (none: every file is checked). */
  checks?: RememberedChecks | null;
}

/** Finds the dataset file for an experiment: dataset.<ext> in its folder, else <datasets_dir>/<name>.<ext>. */
export function findLocalDataset(name: string, options: Pick<LocalDatasetOptions, "experimentDir" | "datasetsDir">): string {
  const places: [string, string][] = [[options.experimentDir, "dataset"]];
  if (options.datasetsDir) places.push([options.datasetsDir, name]);
  for (const [dir, stem] of places) {
    const found = extensions.map((ext) => join(dir, `${stem}.${ext}`)).filter((file) => existsSync(file));
    if (found.length > 1) throw new DatasetError(`several dataset files for "${name}": ${found.map(shownPath).join(", ")}; keep one`);
    if (found[0] && statSync(found[0]).isDirectory()) {
      throw new DatasetError(`${shownPath(found[0])} is a folder, not a dataset file: move it away and put the examples in a file of that name`);
    }
    if (found[0]) return found[0];
  }
  const where = options.datasetsDir ? ` or ${shownPath(join(options.datasetsDir, `${name}.jsonl`))}` : " (or set [local] datasets_dir)";
  throw new DatasetError(`no dataset for "${name}": add ${shownPath(join(options.experimentDir, "dataset.jsonl"))}${where}`);
}

export function loadLocalDataset(name: string, options: LocalDatasetOptions): Dataset {
  const file = findLocalDataset(name, options);
  const shown = shownPath(file);
  const { version, examples } = readable(shown, () => (file.endsWith(".jsonl") ? openJsonlFile(file, shown, options.checks) : readWhole(file, shown, options.csv)));
  if (options.version && !version.startsWith(options.version) && !version.slice("sha256:".length).startsWith(options.version)) {
    throw new DatasetError(
      `${shown}: content hash is ${version}, but dataset_version pins ${options.version}: restore the pinned file, or set dataset_version = "${version}" in the folder's evalwire.toml`,
    );
  }
  if (examples.length === 0) throw new DatasetError(`${shown}: the dataset has no examples`);
  return { name, version, source: file, examples };
}

function readWhole(file: string, shown: string, csv: CsvOptions): { version: string; examples: Example[] } {
  const bytes = readFileSync(file);
  // Editors on Windows often save a byte-order mark; it is not part of the first record.
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  const records: Iterable<RawRecord> = file.endsWith(".csv") ? parseCsv(text, shown, csv) : parseDocumentRecords(text, shown, file.endsWith(".json") ? "json" : "yaml");
  return { version: contentHash(bytes), examples: toExamples(records, shown) };
}

function readable<T>(shown: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EACCES") throw error;
    throw new DatasetError(`${shown}: cannot read it (permission denied); let this user read it (chmod a+r)`);
  }
}
