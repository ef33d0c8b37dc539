// A --retry-errors run of a shard is a run of that shard and, as README says, goes to `evalwire merge`
// in place of the one it retried: so it carries that shard's run id. Before, it had none, and merge
// refused "the shards are of 2 runs: no run id (1 shard, not whole); run id R1 (1 shard, not whole)".
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeRun, evalwire, fixture, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const experiments = fixture("retry-shard", "experiments");

describe("--retry-errors of a shard's run", () => {
  it("keeps the shard's run id, so it merges with the other shards of its run", async () => {
    const cwd = temp();
    const runs = join(cwd, ".evalwire", "runs");
    const first = await evalwire(["run", "--experiments", experiments, "--shard", "1/2", "--run-id", "R1", "--quiet"], cwd, { FLAKY: "1" });
    expect(first.code, describeRun(first)).toBe(1);
    const second = await evalwire(["run", "--experiments", experiments, "--shard", "2/2", "--run-id", "R1", "--quiet"], cwd);
    expect(second.code, describeRun(second)).toBe(0);
    const [failed] = readdirSync(runs).filter((name) => name.includes("-shard-1-of-2"));

    const retry = await evalwire(["run", "--experiments", experiments, "--retry-errors", failed!, "--quiet"], cwd);
    expect(retry.code, describeRun(retry)).toBe(0);
    // Named as the shard's run, with -2 when that name is taken (the same second).
    const retried = readdirSync(runs).find((name) => name.includes("-shard-1-of-2") && name !== failed)!;
    const run = JSON.parse(readFileSync(join(runs, retried, "run.json"), "utf8"));
    expect(run).toMatchObject({ shard: "1/2", runId: "R1" });

    const shard2 = readdirSync(runs).find((name) => name.includes("-shard-2-of-2"))!;
    const merged = await evalwire(["merge", join(runs, retried), join(runs, shard2)], cwd);
    expect(merged.code, describeRun(merged)).toBe(0);
    expect(merged.stdout).toMatch(/✔ flaky\s+12\s+0\s+doubled 1\.00/);
  }, 120_000);

  it("stands in for the run it retried when merge is given the runs folder holding both", async () => {
    const cwd = temp();
    const runs = join(cwd, ".evalwire", "runs");
    const first = await evalwire(["run", "--experiments", experiments, "--shard", "1/2", "--run-id", "R1", "--prefix", "nightly", "--quiet"], cwd, { FLAKY: "1" });
    expect(first.code, describeRun(first)).toBe(1);
    const second = await evalwire(["run", "--experiments", experiments, "--shard", "2/2", "--run-id", "R1", "--prefix", "nightly", "--quiet"], cwd);
    expect(second.code, describeRun(second)).toBe(0);
    const [failed] = readdirSync(runs).filter((name) => name.includes("-shard-1-of-2"));
    const retry = await evalwire(["run", "--experiments", experiments, "--retry-errors", failed!, "--quiet"], cwd);
    expect(retry.code, describeRun(retry)).toBe(0);
    const retried = readdirSync(runs).find((name) => name.includes("-shard-1-of-2") && name !== failed)!;

    // As a CI merge job sees it: every shard job's runs folder downloaded into one.
    const merged = await evalwire(["merge", runs], cwd);
    expect(merged.code, describeRun(merged)).toBe(0);
    expect(merged.stdout).toContain(`flaky shard 1/2: taking ${retried} (--retry-errors of ${failed}) in its place\n`);
    expect(merged.stdout).toMatch(/✔ flaky\s+12\s+0\s+doubled 1\.00/);
    // The retry is named by its own command (prefix eval); the merged run keeps the name of the run it retried, and is no retry itself.
    expect(retried).toMatch(/^eval_flaky_/);
    const mergedRun = readdirSync(runs).find((name) => !name.includes("-shard-"))!;
    expect(mergedRun).toBe(failed!.replace(/-shard-1-of-2$/, ""));
    const merged_ = JSON.parse(readFileSync(join(runs, mergedRun, "run.json"), "utf8"));
    expect(merged_.merged.from).toContain(retried);
    expect(merged_.metadata).not.toHaveProperty("evalwire_retry_errors_of");
  }, 120_000);
});
