import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, YAMLParseError } from "yaml";
import type { LoadedEvaluator } from "../../discovery/load-experiment.js";
import { LoadError } from "../../errors.js";
import { shownPath } from "../../shown-path.js";
import { compileCriteria, RubricError } from "./compile.js";
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
  const shown = shownPath(file);
  let data: unknown;
  try {
    data = parse(readFileSync(file, "utf8"));
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const at = error.linePos?.[0];
      throw new LoadError(`${shown}${at ? `:${at.line}:${at.col}` : ""}: invalid YAML: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`);
    }
    throw new LoadError(`${shown}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const rubric = rubricSchema.safeParse(data ?? {});
  if (!rubric.success) {
    const issue = rubric.error.issues[0]!;
    if (issue.code === "unrecognized_keys") throw new LoadError(`${shown}: unknown key "${issue.keys[0]}" (a rubric has one key, criteria: a list)`);
    throw new LoadError(`${shown}: ${issue.path.length > 0 ? `"${issue.path.join(".")}": ` : ""}${issue.path.length === 0 || issue.code === "invalid_type" ? 'expected "criteria:", a list of criteria' : issue.message}`);
  }
  let compiled;
  try {
    compiled = compileCriteria(rubric.data.criteria, shown);
  } catch (error) {
    throw error instanceof RubricError ? new LoadError(error.message) : error;
  }
  const clash = compiled.find(({ name }) => taken.includes(name));
  if (clash) throw new LoadError(`${shown}: criterion "${clash.name}" has the name of an evaluator file in the same folder; give it another name`);
  return compiled.map(({ name, evaluate }) => ({ name, file, evaluate }));
}
