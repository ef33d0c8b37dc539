import { join } from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { scaffoldFiles } from "../../src/cli/scaffold.js";
import { loadRubric } from "../../src/evaluators/rubric/load-rubric.js";
import { loadTaskYaml } from "../../src/tasks/task-yaml.js";
import { tempDir, writeFiles } from "../helpers/cli.js";

describe("evalwire init's files", () => {
  it.each(["experiments", "my evals", "my\\evals", 'quote"d'])("write the experiments folder %j so TOML reads it back exactly", (dir) => {
    const files = scaffoldFiles(dir);
    expect((parse(files["evalwire.toml"]!) as { experiments: { dir: string } }).experiments.dir).toBe(dir);
    expect((parse(files["evalwire.toml"]!) as { thresholds: unknown }).thresholds).toEqual({ max_errors: 0, exact_match: 0.8 });
    expect(Object.keys(files)).toEqual(["evalwire.toml", `${dir}/capitals/task.ts`, `${dir}/capitals/exact_match.ts`, `${dir}/capitals/dataset.jsonl`]);
  });

  it.each(["http", "command"] as const)("--task %s writes a task.yaml that loads, a rubric named exact_match, and no TypeScript", (kind) => {
    const files = scaffoldFiles("experiments", kind);
    expect(Object.keys(files).some((path) => path.endsWith(".ts"))).toBe(false);
    const { dir, remove } = tempDir("evalwire-scaffold-");
    try {
      writeFiles(dir, files);
      expect(typeof loadTaskYaml(join(dir, "experiments/capitals/task.yaml"), {})).toBe("function");
      expect(loadRubric(join(dir, "experiments/capitals")).map((evaluator) => evaluator.name)).toEqual(["exact_match"]);
    } finally {
      remove();
    }
  });
});
