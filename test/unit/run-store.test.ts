import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RunStore } from "../../src/sinks/run-store.js";
import type { ExampleResult, ExperimentResult } from "../../src/types.js";
import { tempDir } from "../helpers/cli.js";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});

const header = {
  name: "eval_ds_2026-01-01T00:00:00",
  experiment: "ds",
  dataset: { name: "ds", version: "sha256:1", source: "/x" },
  metadata: { run_by: "evalwire" },
  evaluators: ["e"],
  settings: { timeoutMs: 1, repetitions: 1, exampleConcurrency: 1 },
  planned: 2,
  startedAt: "2026-01-01T00:00:00.000Z",
};
const result = (id: string): ExampleResult => ({ exampleId: id, repetition: 1, status: "ok", output: { id }, error: null, startedAt: "t", durationMs: 1, evaluations: [] });

describe("RunStore", () => {
  it("writes run.json first, appends the results of a turn of the loop at its end, and writes the summary at the end", async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const recording = new RunStore(join(dir, "runs")).open(header);
    const runDir = join(dir, "runs", header.name);
    expect(recording.location).toBe(runDir);
    expect(JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"))).toMatchObject({ status: "running", planned: 2 });

    recording.record(result("a"));
    recording.record(result("b"));
    expect(readFileSync(join(runDir, "results.jsonl"), "utf8")).toBe("");
    await new Promise((resolve) => setImmediate(resolve));
    // On disk before the experiment ends: a crash now loses nothing finished.
    expect(readFileSync(join(runDir, "results.jsonl"), "utf8")).toBe(`${JSON.stringify(result("a"))}\n${JSON.stringify(result("b"))}\n`);
    recording.record(result("c"));
    recording.finish({ experiment: "ds", name: header.name, status: "passed", completed: 2, runPath: runDir } as ExperimentResult);
    const run = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
    expect(run).toMatchObject({ status: "passed", summary: { completed: 2 } });
    expect(run.endedAt).toBeTypeOf("string");
    // Finishing writes what was added in its turn.
    expect(readFileSync(join(runDir, "results.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
    expect(existsSync(join(runDir, `run.json.${process.pid}.tmp`))).toBe(false);
  });

  it("never lets two runs share a folder", () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const store = new RunStore(dir);
    expect([store.open(header).name, store.open(header).name, store.open(header).name]).toEqual([header.name, `${header.name}-2`, `${header.name}-3`]);
  });

  it("gives a shard its own folder, and says which shard it is in run.json", () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const store = new RunStore(join(dir, "runs"));
    const recordings = [1, 2].map((index) => store.open({ ...header, shard: `${index}/2`, runId: "r1" }));
    expect(recordings.map((recording) => recording.name)).toEqual([`${header.name}-shard-1-of-2`, `${header.name}-shard-2-of-2`]);
    const run = JSON.parse(readFileSync(join(recordings[1]!.location, "run.json"), "utf8"));
    expect(run).toMatchObject({ name: `${header.name}-shard-2-of-2`, shard: "2/2", runId: "r1" });
  });
});
