import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, YAMLParseError } from "yaml";
import type { LoadedEvaluator } from "../../discovery/load-experiment.js";
import { LoadError } from "../../errors.js";
import { shownPath } from "../../shown-path.js";
import { shown } from "../options.js";
import { type CompiledCriterion, compileCriteria, RubricError } from "./compile.js";
import { rubricSchema } from "./criterion.js";

export const rubricFileName = "rubric.yaml";

/**
 * The evaluators an experiment folder's rubric.yaml declares, one per criterion, named by `name`
 * (default: the type); [] when the folder has none. `taken` holds the names of the folder's
 * evaluator files: a criterion may not take one. Any problem is a LoadError naming the file and entry.
 */
export function loadRubric(dir: string, taken: readonly string[] = []): LoadedEvaluator[] {
  const file = join(dir, rubricFileName);
  if (!existsSync(file)) return [];
  const where = shownPath(file);
  let data: unknown;
  try {
    data = parse(readFileSync(file, "utf8"));
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const at = error.linePos?.[0];
      throw new LoadError(`${where}${at ? `:${at.line}:${at.col}` : ""}: invalid YAML: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`);
    }
    throw new LoadError(`${where}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const rubric = rubricSchema.safeParse(data ?? {});
  if (!rubric.success) {
    const issues = rubric.error.issues;
    const unknown = issues.find((issue) => issue.code === "unrecognized_keys");
    if (unknown) throw new LoadError(`${where}: unknown key "${unknown.keys[0]}" (a rubric has one key, criteria: a list)`);
    const criteria = (data as { criteria?: unknown } | null)?.criteria;
    if (criteria === undefined) throw new LoadError(`${where}: no "criteria:" (a list of criteria, such as - type: contains)`);
    if (!Array.isArray(criteria)) throw new LoadError(`${where}: "criteria" must be a list of criteria (got ${shown(criteria)})`);
    throw new LoadError(`${where}: "criteria" ${issues[0]!.message}`);
  }
  let compiled: CompiledCriterion[];
  try {
    compiled = compileCriteria(rubric.data.criteria, where);
  } catch (error) {
    throw error instanceof RubricError ? new LoadError(error.message) : error;
  }
  const clash = compiled.find(({ name }) => taken.includes(name));
  if (clash) throw new LoadError(`${where}: criterion "${clash.name}" has the name of an evaluator file in the same folder; give it another name`);
  return compiled.map(({ name, evaluate }) => ({ name, file, evaluate }));
}
