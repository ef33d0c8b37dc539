// Places where the built CLI differed from DESIGN.md, found by the contract audit; each test failed before its fix.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFiles } from "../helpers/cli.js";
import { copyFixture, describeRun, evalwire, runFolders, useTempDirs } from "./_support.js";

const temp = useTempDirs();

/** A copy of the `judged` fixture (experiment `doubling`, evaluator `correct`) plus `files`. */
function project(files: Record<string, string> = {}): { cwd: string; experiments: string } {
  const cwd = temp();
  const experiments = copyFixture("judged", join(cwd, "experiments"));
  writeFiles(cwd, files);
  return { cwd, experiments };
}

describe("evalwire list shows the threshold problems run stops at (DESIGN §10, §13)", () => {
  it.each([
    ["a folder threshold for an evaluator it lacks", { "experiments/doubling/evalwire.toml": "[thresholds]\nexact = 0.5\n" }, /experiment doubling has no evaluator exact/],
    ["a root threshold no experiment has", { "evalwire.toml": "[thresholds]\ntop_k = 0.5\n" }, /evalwire\.toml: \[thresholds\] top_k: no experiment has an evaluator top_k/],
    ["an evaluator named max_errors", { "experiments/doubling/max_errors.ts": "export const max_errors = () => 1;\n" }, /may not be named max_errors/],
  ] as const)("%s: run exits 2, list names it and exits 1", async (_what, files, message) => {
    const { cwd, experiments } = project(files);
    const run = await evalwire(["run", "--experiments", experiments], cwd);
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toMatch(message);
    const list = await evalwire(["list", "--experiments", experiments], cwd);
    expect(list.code, describeRun(list)).toBe(1);
    expect(list.stdout).toMatch(message);
    expect(list.stdout).toMatch(/1 problem found/);
  });
});

describe("--baseline latest (DESIGN §14: the newest finished, complete run)", () => {
  it("passes over a partial run (--limit) and compares with the last whole one", async () => {
    const { cwd, experiments } = project();
    const whole = await evalwire(["run", "--experiments", experiments, "--prefix", "whole"], cwd);
    expect(whole.code, describeRun(whole)).toBe(0);
    const partial = await evalwire(["run", "--experiments", experiments, "--prefix", "partial", "--limit", "1"], cwd);
    expect(partial.code, describeRun(partial)).toBe(0);
    const compared = await evalwire(["run", "--experiments", experiments, "--baseline", "--reporter", "json=report.json"], cwd);
    expect(compared.code, describeRun(compared)).toBe(0);
    const [wholeRun] = runFolders(cwd).filter((name) => name.startsWith("whole_"));
    const baseline = JSON.parse(readFileSync(join(cwd, "report.json"), "utf8")).experiments[0].baseline;
    expect(baseline).toMatchObject({ name: wholeRun, new: 0, missing: 0 });
  });
});

describe("the github reporter says where it wrote (DESIGN §15)", () => {
  it("named without $GITHUB_STEP_SUMMARY, it says the step summary was not written", async () => {
    const { cwd, experiments } = project();
    const r = await evalwire(["run", "--experiments", experiments, "--reporter", "github"], cwd, { GITHUB_STEP_SUMMARY: undefined, GITHUB_ACTIONS: undefined });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain("github report: no step summary ($GITHUB_STEP_SUMMARY is not set)\n");
  });
});
