import { appendFileSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { Checkpoints } from "../../../src/engine/checkpoints.js";
import { DoneCalls } from "../../../src/engine/done-calls.js";
import type { Prior } from "../../../src/engine/long-run.js";
import { readRecorded } from "../../../src/engine/read-recorded.js";
import { Tally } from "../../../src/engine/tally.js";
import { ExperimentJudge } from "../../../src/judge/experiment-judge.js";
import { thresholdsFromTable } from "../../../src/judge/thresholds.js";
import { WorkedTime } from "../../../src/resume/worked-time.js";
import { readRunFile } from "../../../src/sinks/run-folder.js";
import { RunStore } from "../../../src/sinks/run-store.js";
import type { ExampleResult } from "../../../src/types.js";
import { tempDir } from "../../helpers/cli.js";
import { evaluation, recordRun, result } from "../../helpers/results.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

const evaluators = ["a", "b"];
const header = (name: string) => ({
  name,
  experiment: "search",
  dataset: { name: "search", version: "sha256:1", source: "dataset.jsonl" },
  metadata: {},
  evaluators,
  settings: { timeoutMs: 1000, repetitions: 3, exampleConcurrency: 1 },
  planned: 100,
  startedAt: "2026-01-01T00:00:09.000Z",
});

/** What one experiment counts and judges: the engine's tally and judge, as run-experiment makes them. */
async function totals(runs: string, passBar = 0.5) {
  const tally = new Tally(evaluators);
  const judge = await ExperimentJudge.start({
    experiment: "search",
    evaluators,
    thresholds: thresholdsFromTable({ a: { pass: passBar, pass_at_k: 0.1 }, b: { mean: 0.2 } }),
    baseline: { ref: "base", runsDir: runs },
    currentRun: "resumed",
    repetitions: 3,
  });
  return { tally, judge };
}

function summary({ tally, judge }: Awaited<ReturnType<typeof totals>>) {
  const { completed, taskErrors, evaluatorErrors } = tally;
  return { completed, taskErrors, evaluatorErrors, evaluators: tally.evaluators(), judgement: judge.finish({ planned: 100, completed, dryRun: false, interrupted: false }) };
}

/** Reads the unfinished run back as --resume does; what it counted, the calls it holds, and its note. */
async function resume(runs: string, dir: string, passBar = 0.5) {
  const into = await totals(runs, passBar);
  const prior: Prior = { kind: "resume", folder: { dir, run: readRunFile(dir), skippedLines: [] }, done: new DoneCalls(), carried: [], rerun: null };
  const note = readRecorded(prior, into);
  return { ...summary(into), done: prior.done, calls: prior.done.size, note };
}

/** An unfinished run of `results`, recorded as the engine records it, with a checkpoint after the first `at`. */
async function unfinishedRun(results: ExampleResult[], at: number) {
  const { dir: root, remove } = tempDir();
  cleanup.push(remove);
  const runs = join(root, "runs");
  recordRun(runs, {
    name: "base",
    experiment: "search",
    startedAt: "2026-01-01T00:00:01.000Z",
    evaluators,
    results: [result("x", [evaluation("a", 1), evaluation("b", 1)]), result("y", [evaluation("a", 0), evaluation("b", 1)])],
  });
  const recording = new RunStore(runs).open(header("resumed"));
  const counted = await totals(runs);
  const checkpoints = new Checkpoints([recording], counted.tally, counted.judge, new WorkedTime());
  results.forEach((each, index) => {
    if (index === at) checkpoints.write();
    counted.tally.add(each);
    counted.judge.add(each);
    recording.record(each);
  });
  if (at >= results.length) checkpoints.write();
  expect(recording.notRecorded?.()).toBeNull();
  return { runs, dir: recording.location };
}

const call = fc.record({
  id: fc.constantFrom("x", "y", "z", "é", 'q"uote'),
  repetition: fc.integer({ min: 1, max: 3 }),
  a: fc.constantFrom(0, 0.4, 0.5, 1, null),
  b: fc.constantFrom(0, 0.25, 1, null),
  failed: fc.boolean(),
  taskError: fc.boolean(),
});

const resultOf = (each: { id: string; repetition: number; a: number | null; b: number | null; failed: boolean; taskError: boolean }) =>
  result(each.id, [evaluation("a", each.a), evaluation("b", each.failed ? null : each.b, each.failed ? "boom" : null)], {
    repetition: each.repetition,
    ...(each.taskError ? { error: "task failed" } : {}),
  });

describe("readRecorded with a checkpoint", () => {
  it("counts and judges a resumed run exactly as parsing every line does, wherever the checkpoint was written", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(call, { selector: (each) => `${each.id}/${each.repetition}`, maxLength: 15 }), fc.nat({ max: 16 }), async (calls, at) => {
        const { runs, dir } = await unfinishedRun(calls.map(resultOf), at);
        const fromCheckpoint = await resume(runs, dir);
        rmSync(join(dir, "checkpoint.json"));
        const parsed = await resume(runs, dir);
        expect(fromCheckpoint.judgement).toEqual(parsed.judgement);
        expect({ ...fromCheckpoint, done: null }).toEqual({ ...parsed, done: null });
        for (const each of calls) expect(fromCheckpoint.done.has(each.id, each.repetition)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("takes the counts from the checkpoint, parsing only the lines after it", async () => {
    const results = ["p", "q", "r", "s"].map((id, index) => result(id, [evaluation("a", index / 4), evaluation("b", 1)]));
    const { runs, dir } = await unfinishedRun(results, 2);
    const file = join(dir, "checkpoint.json");
    const checkpoint = JSON.parse(readFileSync(file, "utf8"));
    // Counts a full parse could never give for these lines: the resume must show them.
    checkpoint.state.tally.sums[0][1] = 40;
    writeFileSync(file, JSON.stringify(checkpoint));
    const resumed = await resume(runs, dir);
    expect(resumed.evaluators.a).toEqual({ mean: (40 + 0.5 + 0.75) / 4, scored: 4, errors: 0 });
    expect(resumed.note).toBe("resuming resumed: 4 task calls already recorded");
  });

  it("parses every line when the checkpoint does not fit the results or the judging", async () => {
    const results = ["p", "q", "r", "s"].map((id, index) => result(id, [evaluation("a", index / 4), evaluation("b", 1)]));
    const expected = async (runs: string, dir: string, passBar?: number) => {
      const saved = readFileSync(join(dir, "checkpoint.json"));
      rmSync(join(dir, "checkpoint.json"));
      const parsed = await resume(runs, dir, passBar);
      writeFileSync(join(dir, "checkpoint.json"), saved);
      return parsed;
    };
    const doctored = (dir: string, change: (checkpoint: { resultsBytes: number; state: { tally: { completed: number; sums: number[][] } } }) => void) => {
      const file = join(dir, "checkpoint.json");
      const checkpoint = JSON.parse(readFileSync(file, "utf8"));
      checkpoint.state.tally.sums[0][1] = 40;
      change(checkpoint);
      writeFileSync(file, JSON.stringify(checkpoint));
    };
    // More bytes than results.jsonl holds (the file was cut short).
    let run = await unfinishedRun(results, 2);
    doctored(run.dir, (checkpoint) => {
      checkpoint.resultsBytes = statSync(join(run.dir, "results.jsonl")).size + 10;
    });
    const { done: _d, ...resumed } = await resume(run.runs, run.dir);
    const { done: _e, ...parsed } = await expected(run.runs, run.dir);
    expect(resumed).toEqual(parsed);
    // Not on a line's end.
    run = await unfinishedRun(results, 2);
    doctored(run.dir, (checkpoint) => {
      checkpoint.resultsBytes -= 3;
    });
    expect((await resume(run.runs, run.dir)).evaluators.a!.mean).toBe(0.375);
    // Another count of calls than the lines it covers.
    run = await unfinishedRun(results, 2);
    doctored(run.dir, (checkpoint) => {
      checkpoint.state.tally.completed = 3;
    });
    expect((await resume(run.runs, run.dir)).evaluators.a!.mean).toBe(0.375);
    // Another pass bar now.
    run = await unfinishedRun(results, 2);
    doctored(run.dir, () => {});
    expect((await resume(run.runs, run.dir, 0.9)).evaluators.a!.mean).toBe(0.375);
    // A line it covers that is not a result.
    run = await unfinishedRun(results, 3);
    doctored(run.dir, () => {});
    const lines = readFileSync(join(run.dir, "results.jsonl"), "utf8").split("\n");
    lines[1] = `${lines[1]!.slice(0, 40)}${" ".repeat(lines[1]!.length - 40)}`;
    writeFileSync(join(run.dir, "results.jsonl"), lines.join("\n"));
    const torn = await resume(run.runs, run.dir);
    expect(torn.evaluators.a!.mean).toBeCloseTo((0 + 0.5 + 0.75) / 3);
    expect(torn.note).toBe("resuming resumed: 3 task calls already recorded (an unreadable line 2 dropped)");
    // Damaged inside, where the kinds at the top are right (found by review: it threw half restored).
    for (const damage of [
      (c: any) => (c.state.tally.sums = [null]),
      (c: any) => (c.state.judge.scorecard.counts = [[1, 2]]),
      (c: any) => (c.state.judge.scorecard.examples = ["p", "p"]),
      (c: any) => (c.state.judge.baseline.counts = null),
    ]) {
      run = await unfinishedRun(results, 2);
      doctored(run.dir, damage);
      const { done: _f, ...resumed } = await resume(run.runs, run.dir);
      const { done: _g, ...parsed } = await expected(run.runs, run.dir);
      expect(resumed).toEqual(parsed);
    }
    // Not JSON at all.
    run = await unfinishedRun(results, 2);
    writeFileSync(join(run.dir, "checkpoint.json"), "{ torn");
    expect((await resume(run.runs, run.dir)).evaluators.a!.mean).toBe(0.375);
  });

  it("drops a torn last line after the checkpoint, as without one", async () => {
    const results = ["p", "q", "r"].map((id) => result(id, [evaluation("a", 1), evaluation("b", 1)]));
    const { runs, dir } = await unfinishedRun(results, 2);
    appendFileSync(join(dir, "results.jsonl"), '{"exampleId":"s","repetition":1,"sta');
    const resumed = await resume(runs, dir);
    expect(resumed.note).toBe("resuming resumed: 3 task calls already recorded (an unreadable line 4 dropped)");
    expect(resumed.done.has("s", 1)).toBe(false);
  });
});
