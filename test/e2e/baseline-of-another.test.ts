// `--baseline RUN` compares each experiment with an earlier run of it: a run of another experiment
// matches none of its examples, so its gates would pass on nothing. Before, `run --baseline
// <a run of search> --max-regressions 0` passed triage with "0 regressed; 0 fixed, 1 new, 2 missing".
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeRun, evalwire, fixture, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const experiments = fixture("baseline-of-another", "experiments");

describe("a named baseline that is a run of another experiment", () => {
  it("fails that experiment, naming both; the experiment it belongs to is compared with it", async () => {
    const cwd = temp();
    const first = await evalwire(["run", "--experiments", experiments, "--name", "search", "--quiet"], cwd);
    expect(first.code, describeRun(first)).toBe(0);
    const searchRun = readdirSync(join(cwd, ".evalwire", "runs")).find((name) => name.startsWith("eval_search_"))!;

    const r = await evalwire(["run", "--experiments", experiments, "--baseline", searchRun, "--max-regressions", "0"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain(`✖ triage: baseline "${searchRun}" is a run of search, not of triage; name a run of triage, or use --baseline latest`);
    expect(r.stdout).toContain(`search vs ${searchRun}: 0 regressed; 0 fixed, 0 new, 0 missing`);
    expect(r.stdout).toContain("1 of 2 experiments failed.");
  }, 60_000);
});

describe("[baseline] gates without a ref (the README's CI recipe: its push job runs without --baseline)", () => {
  it("runs, and applies no baseline gate", async () => {
    const cwd = temp();
    writeFileSync(join(cwd, "evalwire.toml"), "[baseline]\nmax_mean_drop = 0.02\nmax_regressions = 0\n");
    const r = await evalwire(["run", "--experiments", experiments], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).not.toContain("regressions");
  }, 60_000);
});
