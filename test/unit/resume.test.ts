import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { newestUnfinishedRun, resumeRefusal } from "../../src/resume/resume-point.js";
import { type RunFile, readRunFolder } from "../../src/sinks/run-folder.js";
import { RunStore } from "../../src/sinks/run-store.js";
import type { ExampleResult, ExperimentResult } from "../../src/types.js";
import { tempDir, writeFiles } from "../helpers/cli.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

function runsDir(): string {
  const { dir, remove } = tempDir("evalwire-resume-");
  cleanup.push(remove);
  return join(dir, "runs");
}

const header = {
  name: "eval_ds_2026-01-01T00:00:00",
  experiment: "ds",
  dataset: { name: "ds", version: "sha256:aaaa", source: "/x" },
  metadata: {},
  evaluators: ["e"],
  settings: { timeoutMs: 1, repetitions: 2, exampleConcurrency: 1 },
  planned: 4,
  startedAt: "2026-01-01T00:00:00.000Z",
  task: { hash: "t1" },
};
const result = (id: string, repetition = 1): ExampleResult => ({ exampleId: id, repetition, status: "ok", output: { id }, error: null, startedAt: "t", durationMs: 1, evaluations: [] });

describe("RunStore.reopen", () => {
  it("cuts a torn last line, appends after the recorded results, and finishes the same folder", async () => {
    const store = new RunStore(runsDir());
    const first = store.open(header);
    first.record(result("a"));
    first.record(result("b"));
    expect(first.notRecorded?.()).toBeNull();
    // SIGKILL in the middle of writing the third line.
    appendFileSync(join(first.location, "results.jsonl"), '{"exampleId":"c","repet');
    expect(readRunFolder(first.location).skippedLines).toEqual([3]);

    const again = store.reopen({ dir: first.location });
    expect(again.name).toBe(first.name);
    expect(JSON.parse(readFileSync(join(first.location, "run.json"), "utf8"))).toMatchObject({ status: "running", resumedAt: [expect.any(String)] });
    again.record(result("c"));
    again.record(result("a", 2));
    again.finish({ experiment: "ds", name: first.name, dataset: header.dataset, status: "passed", completed: 4, runPath: first.location } as ExperimentResult);

    const read = readRunFolder(first.location);
    expect(read.skippedLines).toEqual([]);
    expect(read.results.map((each) => `${each.exampleId}#${each.repetition}`)).toEqual(["a#1", "b#1", "c#1", "a#2"]);
    expect(read.run).toMatchObject({ status: "passed", summary: { completed: 4 }, task: { hash: "t1" } });
  });

  it("cuts a file that is one torn line to nothing", async () => {
    const store = new RunStore(runsDir());
    const first = store.open(header);
    writeFileSync(join(first.location, "results.jsonl"), '{"exampleId":"a"');
    const again = store.reopen({ dir: first.location });
    again.record(result("a"));
    expect(again.notRecorded?.()).toBeNull();
    expect(readFileSync(join(first.location, "results.jsonl"), "utf8")).toBe(`${JSON.stringify(result("a"))}\n`);
  });
});

describe("resumeRefusal", () => {
  const run = { ...header, status: "running" } as RunFile & { task: { hash: string } };
  const now = { experiment: "ds", datasetVersion: "sha256:aaaa", taskHash: "t1" };

  it("lets an unfinished run of the same dataset version and task be resumed", () => {
    expect(resumeRefusal(run, now)).toBeNull();
    expect(resumeRefusal({ ...run, status: "interrupted" }, now)).toBeNull();
  });

  it.each([
    [{ datasetVersion: "sha256:bbbb" }, 'the dataset "ds" changed since run eval_ds_2026-01-01T00:00:00 (version sha256:aaaa, now sha256:bbbb); start a new run'],
    [{ taskHash: "t2" }, "the task of ds changed since run eval_ds_2026-01-01T00:00:00 (task file or a file it imports); start a new run"],
    [{ experiment: "other" }, "run eval_ds_2026-01-01T00:00:00 is of experiment ds, not other"],
  ])("refuses when %j changed, naming it", (change, message) => {
    expect(resumeRefusal(run, { ...now, ...change })).toBe(message);
  });

  it("refuses a finished run", () => {
    expect(resumeRefusal({ ...run, status: "passed" }, now)).toBe("run eval_ds_2026-01-01T00:00:00 is not unfinished (it passed); nothing to resume");
  });
});

describe("newestUnfinishedRun", () => {
  it("finds the newest run of the experiment that did not finish", () => {
    const dir = runsDir();
    const run = (name: string, fields: Record<string, unknown>) => writeFiles(dir, { [`${name}/run.json`]: JSON.stringify({ ...header, name, ...fields }) });
    run("old", { status: "running", startedAt: "2026-01-01T00:00:00Z" });
    run("newer", { status: "interrupted", startedAt: "2026-01-02T00:00:00Z" });
    run("newest-but-done", { status: "passed", startedAt: "2026-01-03T00:00:00Z" });
    run("other-experiment", { status: "running", experiment: "other", startedAt: "2026-01-04T00:00:00Z" });
    writeFiles(dir, { "broken/run.json": "{" });
    expect(newestUnfinishedRun(dir, "ds")).toBe(join(dir, "newer"));
    expect(newestUnfinishedRun(dir, "none")).toBeNull();
    expect(newestUnfinishedRun(join(dir, "absent"), "ds")).toBeNull();
  });

  it("with a run id, finds only that run id's run (another run id's unfinished run is another run)", () => {
    const dir = runsDir();
    const run = (name: string, fields: Record<string, unknown>) => writeFiles(dir, { [`${name}/run.json`]: JSON.stringify({ ...header, name, shard: "1/2", ...fields }) });
    run("of-76", { status: "interrupted", runId: "76", startedAt: "2026-01-02T00:00:00Z" });
    run("of-77", { status: "interrupted", runId: "77", startedAt: "2026-01-01T00:00:00Z" });
    expect(newestUnfinishedRun(dir, "ds", "1/2", "77")).toBe(join(dir, "of-77"));
    expect(newestUnfinishedRun(dir, "ds", "1/2", "78")).toBeNull();
    expect(newestUnfinishedRun(dir, "ds", "1/2")).toBe(join(dir, "of-76"));
  });
});
