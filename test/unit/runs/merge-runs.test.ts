import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunListener } from "../../../src/engine/events.js";
import { fanOut } from "../../../src/engine/listeners.js";
import { findShards } from "../../../src/runs/find-shards.js";
import { latestRun } from "../../../src/runs/local-run.js";
import { mergeShards, unshardedName } from "../../../src/runs/merge-runs.js";
import { groupShards } from "../../../src/runs/shard-groups.js";
import { readRunFolder } from "../../../src/sinks/run-folder.js";
import { RunStore } from "../../../src/sinks/run-store.js";
import { snapshot, tempDir } from "../../helpers/cli.js";
import { mountSmallDisk, rootSkipReason } from "../../helpers/privileges.js";
import { examples, writeShard, writeShardsOf } from "./shard-folders.js";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});
function dirs(): { shards: string; runs: string } {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  return { shards: join(dir, "shards"), runs: join(dir, "runs") };
}
function listen(): { listener: Required<RunListener>; seen: string[] } {
  const seen: string[] = [];
  const listener = fanOut([
    {
      onExperimentStart: (info) => seen.push(`start ${info.experiment} ${info.planned}`),
      onResult: (_info, result) => seen.push(`result ${result.exampleId}#${result.repetition}`),
      onExperimentEnd: (result) => seen.push(`end ${result.status}`),
      onWarning: (message) => seen.push(`warning ${message}`),
    },
  ]);
  return { listener, seen };
}

// shard-folders.ts: 20 examples × 2 repetitions; x3 and x13 fail on repetition 1; e is 1 for even
// numbers and 0.5 for odd ones. So over the whole: 40 calls, 2 task errors, 38 scored, e's mean
// (20 × 1 + 18 × 0.5) / 38.
const wholeMean = 29 / 38;

describe("mergeShards", () => {
  it("writes one run folder holding every call once, counted and judged over the whole, and leaves the shards as they were", async () => {
    const { shards, runs } = dirs();
    writeShardsOf(shards, { count: 3 });
    const before = snapshot(shards);
    const [group] = groupShards(findShards([shards]));
    const { listener, seen } = listen();
    const result = await mergeShards(group!, {
      store: new RunStore(runs),
      thresholds: { maxErrors: { count: 1 }, evaluators: { e: { mean: 0.7 } } },
      baseline: null,
      listener,
      examples: null,
      places: null,
    });

    expect(result).toMatchObject({
      experiment: "ds",
      name: "eval_ds_2026-01-01T00:00:01",
      planned: 40,
      completed: 40,
      taskErrors: 2,
      evaluatorErrors: 0,
      status: "failed",
      failure: "errors 2 > 1",
    });
    expect(result.evaluators.e!.mean).toBeCloseTo(wholeMean, 12);
    expect(result.evaluators.e!.scored).toBe(38);
    expect(result.durationMs).toBe(300);
    expect(result.judgement!.partial).toBe(false);
    expect(result.judgement!.gates.map((gate) => `${gate.gate} ${gate.verdict}`)).toEqual(["max_errors fail", "mean pass"]);

    const folder = readRunFolder(result.runPath!);
    expect(folder.results.map((r) => `${r.exampleId}#${r.repetition}`).sort()).toHaveLength(40);
    expect(new Set(folder.results.map((r) => `${r.exampleId}#${r.repetition}`)).size).toBe(40);
    expect(folder.run).toMatchObject({ name: "eval_ds_2026-01-01T00:00:01", status: "failed", planned: 40, startedAt: "2026-01-01T00:00:01.000Z" });
    expect(folder.run.shard).toBeUndefined();
    expect((folder.run as unknown as { merged: { from: string[] } }).merged.from).toEqual([1, 2, 3].map((i) => `eval_ds_2026-01-01T00:00:0${i}-shard-${i}-of-3`));
    expect(folder.run.summary).toMatchObject({ completed: 40, taskErrors: 2, failure: "errors 2 > 1" });

    expect(seen[0]).toBe("start ds 40");
    expect(seen.filter((line) => line.startsWith("result"))).toHaveLength(40);
    expect(seen.at(-1)).toBe("end failed");
    expect(snapshot(shards)).toEqual(before);
    // A later run's --baseline latest finds the merged run, never a shard.
    writeShardsOf(runs, { count: 2 });
    expect(latestRun(runs, "ds", null)?.dir).toBe(result.runPath);
  });

  it("lists the calls in the dataset's order, an example's repetitions in turn, given each example's place; else shard by shard", async () => {
    const { shards, runs } = dirs();
    writeShardsOf(shards, { count: 3 });
    const [group] = groupShards(findShards([shards]));
    const calls = (dir: string) => readRunFolder(dir).results.map((r) => `${r.exampleId}#${r.repetition}`);
    const places = new Map(examples.map((id, index) => [id, index]));
    const merged = await mergeShards(group!, { store: new RunStore(runs), thresholds: { evaluators: {} }, baseline: null, listener: listen().listener, examples: null, places });
    expect(calls(merged.runPath!)).toEqual(examples.flatMap((id) => [`${id}#1`, `${id}#2`]));
    const shardByShard = await mergeShards(group!, { store: new RunStore(runs), thresholds: { evaluators: {} }, baseline: null, listener: listen().listener, examples: null, places: null });
    expect(calls(shardByShard.runPath!)).toEqual(group!.shards.flatMap((shard) => calls(shard.dir)));
  });

  it("passes a gate over the whole that no shard measured, and compares the whole with a baseline", async () => {
    const { shards, runs } = dirs();
    writeShardsOf(shards, { count: 2 });
    writeShard(runs, { index: 1, count: 1, name: "eval_ds_2025-12-31T00:00:00" }, { shard: null });
    const [group] = groupShards(findShards([shards]));
    const { listener } = listen();
    const result = await mergeShards(group!, {
      store: new RunStore(runs),
      thresholds: { maxErrors: { count: 2 }, evaluators: {} },
      baseline: { ref: "latest", runsDir: runs, maxRegressions: 0 },
      listener,
      examples: null,
      places: null,
    });
    expect(result.status).toBe("passed");
    expect(result.judgement!.baseline).toMatchObject({ name: "eval_ds_2025-12-31T00:00:00", regressed: 0, fixed: 0, new: 0, missing: 0 });
    expect(result.judgement!.gates.map((gate) => gate.text)).toEqual(["errors 2 <= 2", "regressions 0 <= 0"]);
  });

  it("fails on task errors over the whole when no max_errors is set, as run does", async () => {
    const { shards, runs } = dirs();
    writeShardsOf(shards, { count: 2 });
    const [group] = groupShards(findShards([shards]));
    const result = await mergeShards(group!, { store: new RunStore(runs), thresholds: { evaluators: {} }, baseline: null, listener: listen().listener, examples: null, places: null });
    expect(result).toMatchObject({ status: "failed", failure: null, taskErrors: 2 });
    expect(result.judgement!.gates).toEqual([]);
  });

  it("carries a shard's own failure (not its gates) into the whole", async () => {
    const { shards, runs } = dirs();
    const [, two] = writeShardsOf(shards, { count: 2 });
    const { updateRunFile } = await import("../../../src/sinks/run-folder.js");
    updateRunFile(two!, (run) => ({ ...run, status: "failed", summary: { ...run.summary, status: "failed", failure: "1 of 19 results not recorded: disk full" } }));
    const [group] = groupShards(findShards([shards]));
    const result = await mergeShards(group!, {
      store: new RunStore(runs),
      thresholds: { maxErrors: { count: 5 }, evaluators: {} },
      baseline: null,
      listener: listen().listener,
      examples: null,
      places: null,
    });
    expect(result.status).toBe("failed");
    expect(result.failure).toMatch(/^shard 2\/2 \(eval_ds_\S+-shard-2-of-2\): 1 of 19 results not recorded: disk full$/);
  });

  it("fails, never passes, when the shards hold fewer calls than the run planned (a results.jsonl cut after the checks)", async () => {
    const { shards, runs } = dirs();
    const [, two] = writeShardsOf(shards, { count: 2 });
    const [group] = groupShards(findShards([shards]));
    const lines = readFileSync(join(two!, "results.jsonl"), "utf8").split("\n").filter(Boolean);
    writeFileSync(join(two!, "results.jsonl"), `${lines.slice(0, 3).join("\n")}\n`);
    const result = await mergeShards(group!, {
      store: new RunStore(runs),
      thresholds: { maxErrors: { count: 5 }, evaluators: { e: { mean: 0.5 } } },
      baseline: null,
      listener: listen().listener,
      examples: null,
      places: null,
    });
    expect(result).toMatchObject({ status: "failed", planned: 40, completed: 40 - lines.length + 3 });
    expect(result.failure).toBe(`the shards hold ${40 - lines.length + 3} of the run's 40 planned calls (run the shards again)`);
    expect(readRunFolder(result.runPath!).run.status).toBe("failed");
  });

  const skip = rootSkipReason("merging onto a full disk");
  it.skipIf(skip !== null)("on a disk that fills up, fails the merged run and counts the results not recorded", async () => {
    const { shards, runs } = dirs();
    writeShardsOf(shards, { count: 2 });
    const [group] = groupShards(findShards([shards]));
    mkdirSync(runs);
    // A page each for run.json, run.lock and results.jsonl: the 40 results (about 7 KB) need two.
    cleanup.unshift(mountSmallDisk(runs, "12k"));
    const result = await mergeShards(group!, {
      store: new RunStore(runs),
      thresholds: { maxErrors: { count: 5 }, evaluators: {} },
      baseline: null,
      listener: listen().listener,
      examples: null,
      places: null,
    });
    const recorded = readRunFolder(result.runPath!).results.length;
    expect(recorded).toBeGreaterThan(0);
    expect(recorded).toBeLessThan(40);
    expect(result.status).toBe("failed");
    expect(result.failure).toBe(`${40 - recorded} of 40 results not recorded: ENOSPC: no space left on device, write`);
  });
});

describe("unshardedName", () => {
  it("drops the shard suffix, and the -2 of a taken name after it", () => {
    expect(unshardedName("eval_ds_2026-11-30T14:03:55-shard-1-of-3")).toBe("eval_ds_2026-11-30T14:03:55");
    expect(unshardedName("eval_ds_2026-11-30T14:03:55-shard-1-of-3-2")).toBe("eval_ds_2026-11-30T14:03:55");
    expect(unshardedName("eval_ds_2026-11-30T14:03:55")).toBe("eval_ds_2026-11-30T14:03:55");
  });
});
