import { accessSync, constants, type Dirent, existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { readToml } from "../config/read-toml.js";
import { type ExperimentConfig, experimentConfigSchema } from "../config/schema.js";
import type { RunKnobs, RunOverrides } from "../config/settings.js";
import { UsageError } from "../errors.js";
import { shownPath } from "../shown-path.js";

/** A task in code, or declared in task.yaml (an HTTP request or a program: see src/tasks). */
export const taskFile = /^task\.(ts|mts|js|mjs|yaml|yml)$/;
const taskFileAnyCase = /^task\.(ts|mts|js|mjs|yaml|yml)$/i;
/**
 * An evaluator file: code, and none of what sits beside evaluators: the task (`task.*`), helpers
 * (`_*`), tests (`*.test.*`, `*.spec.*`), type declarations and hidden files. Case counts.
 */
export function isEvaluatorFile(name: string): boolean {
  return /\.(ts|mts|js|mjs)$/.test(name) && !/^(task\.|_|\.)/.test(name) && !/\.d\.m?ts$/.test(name) && !/.\.(test|spec)\./.test(name);
}

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

/**
 * Finds every experiment below `experimentsDir`, in name order. Throws a UsageError when there are
 * none. A subfolder that cannot be read, or whose task file has the wrong case (`Task.ts`), is an
 * experiment with a problem: it fails alone, and `list` shows it.
 */
export function discoverExperiments(experimentsDir: string): ExperimentFolder[] {
  const dir = resolve(experimentsDir);
  if (!existsSync(dir)) throw new UsageError(`experiments folder not found: ${shownPath(dir)} (pass --experiments DIR or set [experiments] dir)`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${shownPath(dir)} is a file, not a folder of experiments (pass --experiments DIR)`);
  const folders: ExperimentFolder[] = [];
  for (const name of readFolderNames(dir)) {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(dir, name), { withFileTypes: true });
    } catch (error) {
      if (!isDenied(error)) throw error;
      folders.push(withProblem(dir, name, `${shownPath(join(dir, name))}: cannot read the folder (permission denied); let this user read it (chmod a+rx) or move it out of ${shownPath(dir)}`));
      continue;
    }
    const files = entries.map((entry) => entry.name);
    const taskFiles = files.filter((file) => taskFile.test(file)).sort(byCodePoint);
    if (taskFiles.length > 0) {
      folders.push(readFolder(dir, name, taskFiles, entries));
      continue;
    }
    const misnamed = files.filter((file) => taskFileAnyCase.test(file));
    if (misnamed.length > 0) {
      const wanted = misnamed[0]!.toLowerCase();
      folders.push(withProblem(dir, name, `${shownPath(join(dir, name, misnamed[0]!))}: the task file must be named ${wanted} (lower case); rename it`));
    }
  }
  if (folders.length === 0) {
    throw new UsageError(`no experiments in ${shownPath(dir)}: an experiment is a subfolder holding task.ts or task.yaml (run "evalwire init" to create one)`);
  }
  return folders.sort((a, b) => byCodePoint(a.name, b.name));
}

/** The dataset an experiment runs on: its folder's name, unless its evalwire.toml names another. */
export function datasetNameOf(folder: ExperimentFolder): string {
  return folder.config.dataset ?? folder.name;
}

/** An experiment folder's own evalwire.toml refines the run's settings; flags win over both. */
export function knobsFor(folder: ExperimentFolder, knobs: RunKnobs, overrides: RunOverrides): RunKnobs {
  const { config } = folder;
  return {
    timeoutMs: overrides.timeoutMs ?? config.timeout ?? knobs.timeoutMs,
    loadTimeoutMs: overrides.loadTimeoutMs ?? config.load_timeout ?? knobs.loadTimeoutMs,
    repetitions: overrides.repetitions ?? config.repetitions ?? knobs.repetitions,
    exampleConcurrency: overrides.exampleConcurrency ?? config.example_concurrency ?? knobs.exampleConcurrency,
    metadata: { ...knobs.metadata, ...config.metadata },
  };
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

function readFolder(root: string, name: string, taskFiles: string[], entries: Dirent[]): ExperimentFolder {
  const dir = join(root, name);
  const configFile = join(dir, "evalwire.toml");
  let config: ExperimentConfig = {};
  let configError: string | null = null;
  const problems: string[] = [];
  if (existsSync(configFile) && !readable(configFile)) {
    problems.push(`${shownPath(configFile)}: cannot read it (permission denied); let this user read it (chmod a+r)`);
  } else {
    try {
      if (existsSync(configFile)) config = readToml(configFile, experimentConfigSchema, shownPath(configFile));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      configError = error.message;
    }
  }
  const evaluatorFiles = entries
    .filter((entry) => isEvaluatorFile(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && isFile(join(dir, entry.name)))))
    .map((entry) => entry.name)
    .sort(byCodePoint)
    .map((file) => join(dir, file));
  if (taskFiles.length > 1) problems.push(`several task files (${taskFiles.join(", ")}); keep one`);
  return { name, dir, taskFile: join(dir, taskFiles[0]!), evaluatorFiles, config, configError, problems };
}

/** The subfolders that may be experiments: hidden ones (`.git`, `.evalwire`) are not. */
function readFolderNames(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (!isDenied(error)) throw error;
    throw new UsageError(`${shownPath(dir)}: cannot read the experiments folder (permission denied); let this user read it (chmod a+rx)`);
  }
  return entries.filter((entry) => !entry.name.startsWith(".") && (entry.isDirectory() || (entry.isSymbolicLink() && isFolder(join(dir, entry.name))))).map((entry) => entry.name);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function isDenied(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "EACCES" || code === "EPERM";
}

/** An experiment that cannot run: loading it fails with `problem` and nothing else. */
function withProblem(root: string, name: string, problem: string): ExperimentFolder {
  const dir = join(root, name);
  return { name, dir, taskFile: join(dir, "task.ts"), evaluatorFiles: [], config: {}, configError: null, problems: [problem] };
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
