import { existsSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { LoadError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import type { EvaluatorArgs, Task } from "../types.js";
import type { ExperimentFolder } from "./discover.js";
import { loadExport, namedExport } from "./load-module.js";

export interface LoadedEvaluator {
  /** The file stem: unique within a folder, so names never collide. */
  name: string;
  file: string;
  evaluate: (args: EvaluatorArgs) => unknown;
}

export interface LoadedExperiment {
  folder: ExperimentFolder;
  task: Task;
  evaluators: LoadedEvaluator[];
  /** The task file's `cacheKey` export, made a string: part of every task call's cache key. */
  cacheKey: string | null;
}

/**
 * Loads a folder's task and evaluators; any problem is a LoadError listing every file at fault.
 * `onFile` hears each file as its loading starts, so a load that never ends can be blamed on it.
 */
export async function loadExperiment(folder: ExperimentFolder, onFile?: (file: string) => void): Promise<LoadedExperiment> {
  // A folder problem (unreadable, misnamed or several task files) is the whole story: loading would only add noise.
  if (folder.problems.length > 0) throw new LoadError(folder.problems.join("; "));
  const problems: string[] = [];
  onFile?.(folder.taskFile);
  const task = await loadTask(folder.taskFile).catch((error: Error) => void problems.push(error.message));
  const cacheKey = task ? await loadCacheKey(folder.taskFile).catch((error: Error) => void problems.push(error.message)) : null;
  const evaluators: LoadedEvaluator[] = [];
  for (const file of folder.evaluatorFiles) {
    onFile?.(file);
    await loadEvaluator(file).then(
      (evaluator) => void evaluators.push(evaluator),
      (error: Error) => void problems.push(error.message),
    );
  }
  // The rubric and task.yaml code (a YAML parser, schemas) is loaded only by the folders that need it.
  if (existsSync(join(folder.dir, "rubric.yaml"))) {
    const { loadRubric } = await import("../evaluators/rubric/load-rubric.js");
    try {
      evaluators.push(...loadRubric(folder.dir, folder.evaluatorFiles.map(fileStem)));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new LoadError(problems.join("; "), { partial: { task: task !== undefined, evaluators: evaluators.map((evaluator) => evaluator.name), problems } });
  return { folder, task: task!, evaluators, cacheKey: cacheKey ?? null };
}

/**
 * `export const cacheKey = "gpt-4o-mini"` (or a function giving it, called once as the code loads):
 * what the code does not show but changes its output, such as a model named in the environment.
 */
async function loadCacheKey(file: string): Promise<string | null> {
  if (/\.ya?ml$/.test(file)) return null;
  const value = await namedExport(file, "cacheKey");
  if (value === undefined) return null;
  let key: unknown;
  try {
    key = typeof value === "function" ? (value as () => unknown)() : value;
  } catch (error) {
    throw new LoadError(`${shownPath(file)}: cacheKey() threw: ${(error as Error)?.message ?? String(error)}`);
  }
  if (typeof key === "string") return key;
  if (key instanceof Promise) throw new LoadError(`${shownPath(file)}: cacheKey() returned a Promise; it must return a string at once (it is called once, as the code loads)`);
  throw new LoadError(`${shownPath(file)}: "cacheKey" must be a string, or a function returning one (got ${describe(key)})`);
}

export function fileStem(file: string): string {
  return basename(file, extname(file));
}

async function loadTask(file: string): Promise<Task> {
  if (/\.ya?ml$/.test(file)) return (await import("../tasks/task-yaml.js")).loadTaskYaml(file);
  const value = await loadExport(file, "task", "task");
  if (typeof value !== "function") throw new LoadError(`${shownPath(file)}: "task" must be a function (got ${describe(value)})`);
  return value as Task;
}

async function loadEvaluator(file: string): Promise<LoadedEvaluator> {
  const name = fileStem(file);
  const value = await loadExport(file, name, "evaluator");
  if (typeof value === "function") return { name, file, evaluate: value as LoadedEvaluator["evaluate"] };
  // Evaluators from @arizeai/phoenix-client (asExperimentEvaluator) and @arizeai/phoenix-evals are objects with `evaluate`.
  if (value && typeof (value as { evaluate?: unknown }).evaluate === "function") {
    const evaluator = value as { evaluate: (args: EvaluatorArgs) => unknown };
    return { name, file, evaluate: (args) => evaluator.evaluate(args) };
  }
  throw new LoadError(`${shownPath(file)}: "${name}" must be a function or an evaluator object with evaluate() (got ${describe(value)})`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}
