import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import fg from "fast-glob";
import { UsageError } from "../errors.js";
import { readToml } from "../config/read-toml.js";
import { shownPath } from "../shown-path.js";
import { experimentConfigSchema, type ExperimentConfig } from "../config/schema.js";

const codeExtensions = "{ts,mts,js,mjs}";
/** Files in an experiment folder that are neither task nor evaluator. */
const notEvaluators = ["task.*", "_*", "*.test.*", "*.spec.*", "*.d.ts", "*.d.mts"];

/** An experiment folder, found but not yet loaded. */
export interface ExperimentFolder {
  /** The folder's name, which is also the dataset's name unless its evalwire.toml says otherwise. */
  name: string;
  dir: string;
  taskFile: string;
  evaluatorFiles: string[];
  config: ExperimentConfig;
  /** Why the folder's own evalwire.toml is invalid, if it is: a usage error when this experiment is run. */
  configError: string | null;
  /** Problems found without loading any code, such as two task files. */
  problems: string[];
}

/** Finds every experiment below `experimentsDir`, in name order. Throws a UsageError when there are none. */
export function discoverExperiments(experimentsDir: string): ExperimentFolder[] {
  const dir = resolve(experimentsDir);
  if (!existsSync(dir)) throw new UsageError(`experiments folder not found: ${shownPath(dir)} (pass --experiments DIR or set [experiments] dir)`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${shownPath(dir)} is a file, not a folder of experiments (pass --experiments DIR)`);
  const taskFiles = fg.sync(`*/task.${codeExtensions}`, { cwd: dir, onlyFiles: true });
  const byFolder = new Map<string, string[]>();
  for (const file of taskFiles) {
    const folder = dirname(file);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
  }
  if (byFolder.size === 0) {
    throw new UsageError(`no experiments in ${shownPath(dir)}: an experiment is a subfolder holding task.ts (run "evalwire init" to create one)`);
  }
  return [...byFolder.keys()].sort(byCodePoint).map((name) => readFolder(dir, name, byFolder.get(name)!.sort(byCodePoint)));
}

/** Keeps the experiments named (all when none are); an unknown name is a UsageError listing the known ones. */
export function selectExperiments(folders: ExperimentFolder[], names: string[] | undefined): ExperimentFolder[] {
  if (!names || names.length === 0) return folders;
  const known = folders.map((folder) => folder.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown experiment ${unknown.map((n) => `"${n}"`).join(", ")} (--name); known: ${known.join(", ")}`);
  }
  return folders.filter((folder) => names.includes(folder.name));
}

/** An invalid evalwire.toml in an experiment about to run is a usage error, before any work starts. */
export function requireValidConfig(folders: ExperimentFolder[]): void {
  const invalid = folders.find((folder) => folder.configError !== null);
  if (invalid) throw new UsageError(invalid.configError!);
}

function readFolder(root: string, name: string, taskFiles: string[]): ExperimentFolder {
  const dir = join(root, name);
  const configFile = join(dir, "evalwire.toml");
  let config: ExperimentConfig = {};
  let configError: string | null = null;
  try {
    if (existsSync(configFile)) config = readToml(configFile, experimentConfigSchema, shownPath(configFile));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    configError = error.message;
  }
  const evaluatorFiles = fg
    .sync(`*.${codeExtensions}`, { cwd: dir, onlyFiles: true, ignore: notEvaluators })
    .sort(byCodePoint)
    .map((file) => join(dir, file));
  const problems = taskFiles.length > 1 ? [`${name}: several task files (${taskFiles.map((f) => basename(f)).join(", ")}); keep one`] : [];
  return { name, dir, taskFile: join(root, taskFiles[0]!), evaluatorFiles, config, configError, problems };
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
