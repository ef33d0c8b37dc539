// `evalwire merge` reads the root evalwire.toml's [thresholds] as `run` does: a bar for an evaluator
// of another experiment of the experiments folder (one these shards did not run) is not an error.
import { describe, expect, it } from "vitest";
import { describeRun, evalwire, fixture, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const config = fixture("merge-root-threshold", "evalwire.toml");

describe("evalwire merge with a root threshold for another experiment's evaluator", () => {
  it("merges shards of one experiment that `run --name` ran", async () => {
    const cwd = temp();
    for (const i of [1, 2]) {
      const shard = await evalwire(["run", "--config", config, "--name", "routes", "--shard", `${i}/2`, "--quiet"], cwd);
      expect(shard.code, describeRun(shard)).toBe(0);
    }
    const merged = await evalwire(["merge", ".evalwire/runs", "--config", config], cwd);
    expect(merged.code, describeRun(merged)).toBe(0);
    expect(merged.stdout).toContain("1 experiment passed.");
    expect(merged.stderr).not.toContain("no selected experiment");
  }, 120_000);

  it("still refuses a root threshold naming an evaluator that no experiment in the folder has", async () => {
    const cwd = temp();
    for (const i of [1, 2]) {
      const shard = await evalwire(["run", "--config", config, "--name", "routes", "--shard", `${i}/2`, "--quiet"], cwd);
      expect(shard.code, describeRun(shard)).toBe(0);
    }
    const merged = await evalwire(["merge", ".evalwire/runs", "--config", config, "--threshold", "nope=0.5"], cwd);
    expect(merged.code, describeRun(merged)).toBe(2);
    expect(merged.stderr).toMatch(/--threshold nope: .*evaluator nope/);
  }, 120_000);
});
