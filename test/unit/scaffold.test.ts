import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { scaffoldFiles } from "../../src/cli/scaffold.js";

describe("evalwire init's files", () => {
  it.each(["experiments", "my evals", "my\\evals", 'quote"d'])("write the experiments folder %j so TOML reads it back exactly", (dir) => {
    const files = scaffoldFiles(dir);
    expect((parse(files["evalwire.toml"]!) as { experiments: { dir: string } }).experiments.dir).toBe(dir);
    expect((parse(files["evalwire.toml"]!) as { thresholds: unknown }).thresholds).toEqual({ max_errors: 0, exact_match: 0.8 });
    expect(Object.keys(files)).toEqual(["evalwire.toml", `${dir}/capitals/task.ts`, `${dir}/capitals/exact_match.ts`, `${dir}/capitals/dataset.jsonl`]);
  });
});
