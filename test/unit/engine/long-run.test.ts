import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { priorRun } from "../../../src/engine/long-run.js";
import { ExperimentRunner } from "../../../src/index.js";
import { shownPath } from "../../../src/shown-path.js";
import { unlockRun } from "../../../src/sinks/run-lock.js";
import { RunStore } from "../../../src/sinks/run-store.js";
import type { ExperimentResult } from "../../../src/types.js";
import { tempDir } from "../../helpers/cli.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()!();
});

const header = {
  name: "eval_ds_2026-01-01T00:00:00",
  experiment: "ds",
  dataset: { name: "ds", version: "sha256:aaaa", source: "/x" },
  metadata: {},
  evaluators: ["e"],
  settings: { timeoutMs: 1, repetitions: 1, exampleConcurrency: 1 },
  planned: 2,
  startedAt: "2026-01-01T00:00:00.000Z",
  task: { hash: "t1" },
};

/** A run folder left unfinished by a process that is gone (no lock: as after its lock was taken over). */
/** A folder of its own for a test, removed after it. */
function testRoot(): string {
  const { dir, remove } = tempDir("evalwire-long-run-");
  cleanup.push(remove);
  return dir;
}

/** A folder of experiments with one experiment folder, `ds`, for the test to fill. */
function experimentsRoot(): { root: string; experimentsDir: string } {
  const root = testRoot();
  const experimentsDir = join(root, "experiments");
  mkdirSync(join(experimentsDir, "ds"), { recursive: true });
  return { root, experimentsDir };
}

function unfinishedRun(): { runsDir: string; dir: string } {
  const root = testRoot();
  const runsDir = join(root, "runs");
  const dir = new RunStore(runsDir).open(header).location;
  rmSync(join(dir, "run.lock"));
  return { runsDir, dir };
}

const current = (runsDir: string) => ({ experiment: "ds", runsDir, datasetVersion: "sha256:aaaa", taskHash: "t1" });
const lockIn = (dir: string) => JSON.parse(readFileSync(join(dir, "run.lock"), "utf8"));

describe("priorRun (--resume)", () => {
  it("claims the run folder at the check, so that a second resume checking before the run store reopens it is refused", () => {
    const { runsDir, dir } = unfinishedRun();
    const found = priorRun({ resume: true }, current(runsDir));
    expect(found.refusal).toBeNull();
    expect(found.prior?.folder.dir).toBe(dir);
    expect(lockIn(dir)).toEqual({ pid: process.pid, host: hostname() });
    unlockRun(dir);
  });

  it("refuses a run another live process holds, and leaves its lock as it is", async () => {
    const { runsDir, dir } = unfinishedRun();
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    cleanup.push(() => other.kill("SIGKILL"));
    await new Promise((resolve) => other.on("spawn", resolve));
    writeFileSync(join(dir, "run.lock"), JSON.stringify({ pid: other.pid, host: hostname() }));
    const found = priorRun({ resume: dir }, current(runsDir));
    expect(found.prior).toBeNull();
    // The pid may be an unrelated process's by now (pids are reused): the message says how to get out.
    expect(found.refusal).toBe(
      `run ${header.name} is still being recorded by process ${other.pid}; wait for it to end, or stop it and resume then (if process ${other.pid} is not evalwire, delete ${shownPath(join(dir, "run.lock"))})`,
    );
    expect(lockIn(dir)).toEqual({ pid: other.pid, host: hostname() });
    expect(existsSync(join(dir, "run.lock"))).toBe(true);
  });
});

describe("priorRun (--resume with a run id)", () => {
  it("names a finished run of that run id and shard whose task changed since, instead of 'no unfinished run': a new run starts", () => {
    const runsDir = join(testRoot(), "runs");
    const dir = join(runsDir, header.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "run.json"), JSON.stringify({ ...header, status: "passed", runId: "77", shard: "1/2" }));
    const found = priorRun({ resume: true }, { ...current(runsDir), taskHash: "t2", runId: "77", shard: "1/2" });
    expect(found.prior).toBeNull();
    expect(found.refusal).toBeNull();
    expect(found.note).toBe(
      `run ${header.name} of run id 77 (shard 1/2) finished (passed), but the task of ds changed since run ${header.name} (task file or a file it imports): starting a new one`,
    );
  });
});

describe("a resume refused after its check", () => {
  it("lets the run folder go: another resume while this process lives is not refused in its name", async () => {
    const { root, experimentsDir } = experimentsRoot();
    writeFileSync(join(experimentsDir, "ds", "task.ts"), "export const task = (example: { input: { n: number } }) => example.input.n;\n");
    writeFileSync(join(experimentsDir, "ds", "dataset.jsonl"), `${Array.from({ length: 6 }, (_, i) => JSON.stringify({ id: `e${i}`, input: { n: i } })).join("\n")}\n`);
    const runsDir = join(root, "runs");
    const first = await new ExperimentRunner({ experimentsDir, runsDir, shard: { index: 2, count: 2 } }).run();
    const dir = first.experiments[0]!.runPath!;
    // Left unfinished (as by a crash whose lock was taken over since).
    const { endedAt: _e, summary: _s, ...run } = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
    writeFileSync(join(dir, "run.json"), JSON.stringify({ ...run, status: "interrupted" }));

    const refused = await new ExperimentRunner({ experimentsDir, runsDir, shard: { index: 1, count: 2 }, longRun: { resume: dir } }).run();
    expect(refused.experiments[0]).toMatchObject({ refused: true, failure: expect.stringContaining("is shard 2/2, not 1/2") });
    expect(existsSync(join(dir, "run.lock"))).toBe(false);
  });
});

describe("priorRun in one process", () => {
  it("refuses a second resume of a run this process is resuming already (two library runs at once), until the first ends", () => {
    const { runsDir, dir } = unfinishedRun();
    expect(priorRun({ resume: dir }, current(runsDir)).prior).not.toBeNull();
    const second = priorRun({ resume: true }, current(runsDir));
    expect(second.prior).toBeNull();
    expect(second.refusal).toContain(`is still being recorded by process ${process.pid}`);
    unlockRun(dir);
    expect(priorRun({ resume: true }, current(runsDir)).prior?.folder.dir).toBe(dir);
    unlockRun(dir);
  });
});

describe("priorRun (--retry-errors)", () => {
  it("refuses an unfinished run: the calls it never made would be neither carried nor run, and the new run passed on a part", () => {
    const { runsDir, dir } = unfinishedRun();
    const found = priorRun({ retryErrors: dir }, current(runsDir));
    expect(found.prior).toBeNull();
    expect(found.refusal).toBe(`run ${header.name} is unfinished (status running); finish it first (evalwire run --resume ${header.name}), then retry its errors`);
  });

  it("refuses a finished run that holds fewer results than it planned (a full disk): the calls never recorded would be neither carried nor run", async () => {
    const runsDir = join(testRoot(), "runs");
    const recording = new RunStore(runsDir).open(header);
    recording.record({ exampleId: "a", repetition: 1, status: "error", output: null, error: "boom", startedAt: "t", durationMs: 1, evaluations: [] });
    recording.finish({ experiment: "ds", name: header.name, dataset: header.dataset, status: "failed", completed: 2, runPath: recording.location } as ExperimentResult);
    const found = priorRun({ retryErrors: recording.location }, current(runsDir));
    expect(found.prior).toBeNull();
    expect(found.refusal).toBe(`run ${header.name} holds 1 result of its 2 planned task calls (the others were never recorded); start a new run`);
  });
});

describe("a --retry-errors run", () => {
  it("takes its run's examples and repetitions: a retried partial run is the same partial run, not a whole one that passed with most calls never made", async () => {
    const { root, experimentsDir } = experimentsRoot();
    // e1 fails until HEALED is set: the error to retry.
    writeFileSync(
      join(experimentsDir, "ds", "task.ts"),
      "export const task = (example: { id: string; input: { n: number } }) => { if (example.input.n === 1 && !process.env.HEALED) throw new Error('broken'); return example.input.n; };\n",
    );
    writeFileSync(join(experimentsDir, "ds", "dataset.jsonl"), `${Array.from({ length: 6 }, (_, i) => JSON.stringify({ id: `e${i}`, input: { n: i } })).join("\n")}\n`);
    const runsDir = join(root, "runs");
    const first = await new ExperimentRunner({ experimentsDir, runsDir, repetitions: 2, longRun: { selection: { kind: "limit", count: 3 } } }).run();
    expect(first.experiments[0]).toMatchObject({ planned: 6, completed: 6, taskErrors: 2 });

    process.env.HEALED = "1";
    try {
      const retried = await new ExperimentRunner({ experimentsDir, runsDir, longRun: { retryErrors: first.experiments[0]!.runPath! } }).run();
      expect(retried.experiments[0]).toMatchObject({ status: "passed", planned: 6, completed: 6, taskErrors: 0 });
      const run = JSON.parse(readFileSync(join(retried.experiments[0]!.runPath!, "run.json"), "utf8"));
      expect(run).toMatchObject({ planned: 6, settings: { repetitions: 2 }, selection: { partial: true, choice: { kind: "limit", count: 3 } } });
    } finally {
      delete process.env.HEALED;
    }
  });
});
