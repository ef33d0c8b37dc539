import { describe, expect, it } from "vitest";
import { findShards } from "../../../src/runs/find-shards.js";
import { pickRun } from "../../../src/runs/pick-run.js";
import { groupShards } from "../../../src/runs/shard-groups.js";
import { refusal, useRunsDirs, writeShard, writeShardsOf } from "./shard-folders.js";

const runsDir = useRunsDirs();
/** Two sharded runs in one runs folder: run id 100 (whole), then 100-2, a re-run of shard 2 only. */
function twoRuns(): string {
  const runs = runsDir();
  writeShardsOf(runs, { count: 3, per: { 1: { runId: "100" }, 2: { runId: "100" }, 3: { runId: "100" } } });
  writeShard(runs, { index: 2, count: 3, name: "eval_ds_2026-01-02T00:00:00" }, { runId: "100-2" });
  return runs;
}

describe("pickRun", () => {
  it("takes every shard of one run, and one run's shards out of several by its run id", () => {
    const one = runsDir();
    writeShardsOf(one, { count: 2, per: { 1: { runId: "7" }, 2: { runId: "7" } } });
    expect(pickRun(findShards([one]), null)).toHaveLength(2);
    const runs = twoRuns();
    const chosen = pickRun(findShards([runs]), "100");
    expect(chosen.map((head) => head.run.shard).sort()).toEqual(["1/3", "2/3", "3/3"]);
    expect(groupShards(chosen)[0]!.shards).toHaveLength(3);
    expect(pickRun(findShards([runs]), "100-2").map((head) => head.run.name)).toEqual(["eval_ds_2026-01-02T00:00:00-shard-2-of-3"]);
  });

  it("refuses shards of several runs, naming each, whether it is whole, and how to pick one; never guesses", () => {
    expect(refusal(() => pickRun(findShards([twoRuns()]), null))).toBe(
      "cannot merge: the shards are of 2 runs: run id 100 (3 shards, whole); run id 100-2 (1 shard, not whole); merge one with --run-id 100, or give one run's folders",
    );
    const mixed = runsDir();
    writeShardsOf(mixed, { count: 2 });
    writeShardsOf(mixed, { count: 2, experiment: "other", per: { 1: { runId: "9" }, 2: { runId: "9" } } });
    expect(refusal(() => pickRun(findShards([mixed]), null))).toMatch(
      /^cannot merge: the shards are of 2 runs: no run id \(2 shards, whole\); run id 9 \(2 shards, whole\); merge one with --run-id 9/,
    );
  });

  it("refuses a run id no shard has, naming those found", () => {
    expect(refusal(() => pickRun(findShards([twoRuns()]), "101"))).toBe("merge --run-id 101: no shard given has run id 101 (found: run id 100, run id 100-2)");
  });
});
