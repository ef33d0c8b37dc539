import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeRun, evalwire, fixture, readResults, root, runDirFor, runFolders, useTempDirs } from "./_support.js";

const temp = useTempDirs();

function rows(file: string): number {
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim());
  return file.endsWith(".csv") ? lines.length - 1 : lines.length;
}

describe("evalwire list", () => {
  it("shows each experiment's evaluators and dataset, exits 0 and writes nothing", async () => {
    const cwd = temp();
    const examples = join(root, "experiments-example");
    const r = await evalwire(["list", "--experiments", examples], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/es_search/);
    expect(r.stdout).toMatch(/exact_match, top_k/);
    expect(r.stdout).toMatch(new RegExp(`${rows(join(examples, "es_search", "dataset.jsonl"))} examples\\b.*dataset\\.jsonl`));
    expect(r.stdout).toMatch(/source_router/);
    expect(r.stdout).toMatch(/\bis_in\b/);
    expect(r.stdout).toMatch(new RegExp(`${rows(join(examples, "source_router", "dataset.csv"))} examples\\b.*dataset\\.csv`));
    expect(r.stdout).toMatch(/no problems/i);
    expect(existsSync(join(cwd, ".evalwire"))).toBe(false);
  });

  it("lists only real experiments and evaluators: helpers, tests and folders without task.ts are left out", async () => {
    const cwd = temp();
    const r = await evalwire(["list", "--experiments", fixture("helpers-and-tests")], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/plain, scored/);
    expect(r.stdout).toMatch(/mts_exp/);
    expect(r.all).not.toMatch(/not_an_experiment|_helper|scored\.test|scored\.spec|must not be loaded/);
  });

  it("exits 1 naming every file that does not load, with its line", async () => {
    const cwd = temp();
    const r = await evalwire(["list", "--experiments", fixture("syntax-error")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.all).toMatch(/broken[\\/]task\.ts\b.*(line 3\b|:3:)/);
    expect(r.all).toMatch(/broken_evaluator[\\/]judge\.ts\b.*(line 3\b|:3:)/);
    expect(r.all).toMatch(/bad_import[\\/]task\.ts\b.*_does_not_exist/);
    expect(r.stdout).toMatch(/3 problems/);
    expect(existsSync(join(cwd, ".evalwire"))).toBe(false);
  });

  it("exits 1 naming a malformed dataset; --name limits the listing", async () => {
    const cwd = temp();
    const r = await evalwire(["list", "--experiments", fixture("malformed-datasets"), "--name", "bad_csv", "--name", "good"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.all).toMatch(/bad_csv[\\/]dataset\.csv\b.*expected_output/);
    expect(r.stdout).toMatch(/\bgood\b/);
    expect(r.stdout).toMatch(/1 example\b/);
    expect(r.stdout).not.toMatch(/bad_jsonl|two_datasets/);
    expect(r.stdout).toMatch(/1 problem\b/);
  });
});

describe("evalwire init", () => {
  it("scaffolds evalwire.toml and experiments/capitals in an empty folder; run then exits 0; a second init leaves files alone", async () => {
    const cwd = temp();
    const init = await evalwire(["init"], cwd);
    expect(init.code, describeRun(init)).toBe(0);
    const files = ["evalwire.toml", "experiments/capitals/task.ts", "experiments/capitals/exact_match.ts", "experiments/capitals/dataset.jsonl"];
    for (const file of files) expect(existsSync(join(cwd, file)), file).toBe(true);

    const run = await evalwire(["run"], cwd);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/capitals\b.*\bexact_match \d\.\d\d/);
    const results = readResults(runDirFor(cwd, "capitals"));
    expect(results).toHaveLength(rows(join(cwd, "experiments/capitals/dataset.jsonl")));
    for (const result of results) expect(result.status).toBe("ok");

    // a user's edit survives a second init
    writeFileSync(join(cwd, "evalwire.toml"), "# mine\n");
    const again = await evalwire(["init"], cwd);
    expect(again.code, describeRun(again)).toBe(0);
    expect(readFileSync(join(cwd, "evalwire.toml"), "utf8")).toBe("# mine\n");
  });

  it("init --experiments DIR scaffolds there and points evalwire.toml at it", async () => {
    const cwd = temp();
    const init = await evalwire(["init", "--experiments", "evals"], cwd);
    expect(init.code, describeRun(init)).toBe(0);
    expect(existsSync(join(cwd, "evals", "capitals", "task.ts"))).toBe(true);
    expect(existsSync(join(cwd, "experiments"))).toBe(false);
    const run = await evalwire(["run"], cwd);
    expect(run.code, describeRun(run)).toBe(0);
    expect(runFolders(cwd).some((name) => name.startsWith("eval_capitals_"))).toBe(true);
  });
});
