// DESIGN.md section 18 from the outside: the task cache, selection, --resume after a SIGKILL and
// --retry-errors, each with a task that counts its calls in a file.
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseJunit } from "junit2json";
import { describe, expect, it } from "vitest";
import { inShard } from "../../src/engine/shard.js";
import { collect, startCli } from "../helpers/cli.js";
import { describeRun, evalwire, fixture, readResults, readRun, runDirs, useTempDirs, waitFor } from "./_support.js";

const temp = useTempDirs();

/** A copy of the counting experiment in a fresh folder; `calls()` reads what the task counted. */
function project(): { cwd: string; experiments: string; env: Record<string, string>; calls: () => string[] } {
  const cwd = temp();
  const experiments = join(cwd, "experiments");
  cpSync(fixture("long-runs"), experiments, { recursive: true });
  const count = join(cwd, "calls.txt");
  return { cwd, experiments, env: { COUNT_FILE: count }, calls: () => (existsSync(count) ? readFileSync(count, "utf8").split("\n").filter(Boolean) : []) };
}

const key = (result: any) => `${result.exampleId}#${result.repetition}`;

/** Lines in a run folder's results.jsonl so far (the folder is made a moment before the file). */
const resultLines = (runDir: string) => (existsSync(join(runDir, "results.jsonl")) ? readFileSync(join(runDir, "results.jsonl"), "utf8").split("\n").length : 0);

/** Starts `evalwire ARGS`, SIGKILLs it once results.jsonl has more than `lines` lines; the run folder. */
async function killMidRun(p: ReturnType<typeof project>, args: string[], lines: number): Promise<string> {
  const child = startCli(args, { cwd: p.cwd, env: p.env });
  const done = collect(child);
  try {
    const runDir = await waitFor(() => runDirs(p.cwd)[0], 30_000, "the run folder");
    await waitFor(() => resultLines(runDir) > lines, 30_000, `${lines} results`);
    return runDir;
  } finally {
    child.kill("SIGKILL");
    await done;
  }
}

describe("evalwire run --cache", () => {
  it("calls the task 0 times for what it has, again for an error, and again for all after a change to an imported helper", async () => {
    const p = project();
    const first = await evalwire(["run", "--experiments", p.experiments, "--cache"], p.cwd, p.env);
    expect(first.code, describeRun(first)).toBe(1); // ex-3 throws
    expect(p.calls()).toHaveLength(6);

    const second = await evalwire(["run", "--experiments", p.experiments, "--cache"], p.cwd, p.env);
    expect(second.code, describeRun(second)).toBe(1);
    // Only the error ran again: errors are never cached.
    expect(p.calls().slice(6)).toEqual(["ex-3 1"]);
    const [, secondDir] = runDirs(p.cwd).sort();
    const results = readResults(secondDir!);
    expect(results).toHaveLength(6);
    for (const result of results) {
      if (result.exampleId === "ex-3") expect(result.cached).toBeUndefined();
      else {
        // Marked, scored again, and out of the latency figures (the call took no time now).
        expect(result.cached).toEqual({ storedAt: expect.any(String), durationMs: expect.any(Number) });
        expect(result.durationMs).toBe(0);
        expect(result.evaluations.map((e: any) => [e.name, e.score])).toEqual([["doubled", 1]]);
      }
    }

    writeFileSync(join(p.experiments, "counting", "_helper.ts"), "// changed\nexport const answer = (n: number) => ({ answer: n + n });\n");
    const third = await evalwire(["run", "--experiments", p.experiments, "--cache"], p.cwd, p.env);
    expect(third.code, describeRun(third)).toBe(1);
    expect(p.calls().slice(7).sort()).toEqual(["ex-1 1", "ex-2 1", "ex-3 1", "ex-4 1", "ex-5 1", "ex-6 1"]);

    // --cache read takes what is there and stores nothing new; cache clear empties it.
    const cleared = await evalwire(["cache", "clear"], p.cwd, p.env);
    expect(cleared.code, describeRun(cleared)).toBe(0);
    expect(cleared.stdout).toBe("Removed 10 cached task outputs from .evalwire/cache/tasks\n");
    const read = await evalwire(["run", "--experiments", p.experiments, "--cache", "read"], p.cwd, p.env);
    expect(read.code, describeRun(read)).toBe(1);
    expect(p.calls()).toHaveLength(13 + 6);
    expect((await evalwire(["cache", "clear"], p.cwd, p.env)).stdout).toBe("Removed 0 cached task outputs from .evalwire/cache/tasks\n");
  });
});

describe("evalwire run --cache with the task's cacheKey", () => {
  it("keys each call by the task file's cacheKey export too: another model name calls the task again", async () => {
    const p = project();
    const taskFile = join(p.experiments, "counting", "task.ts");
    writeFileSync(taskFile, `${readFileSync(taskFile, "utf8")}\nexport const cacheKey = () => process.env.MODEL ?? "none";\n`);
    const run = (model: string) => evalwire(["run", "--experiments", p.experiments, "--cache"], p.cwd, { ...p.env, MODEL: model });
    expect((await run("small")).code).toBe(1); // ex-3 throws
    expect(p.calls()).toHaveLength(6);
    await run("small");
    expect(p.calls()).toHaveLength(7); // only the error again
    await run("large");
    expect(p.calls()).toHaveLength(13);

    writeFileSync(taskFile, `${readFileSync(taskFile, "utf8")}\nexport const cacheKey = { model: "x" };\n`.replace(/export const cacheKey = \(\) =>.*\n/, ""));
    const bad = await run("small");
    expect(bad.code, describeRun(bad)).toBe(1);
    expect(bad.all).toContain('task.ts: "cacheKey" must be a string, or a function returning one (got an object)');

    writeFileSync(taskFile, readFileSync(taskFile, "utf8").replace('export const cacheKey = { model: "x" };', 'export const cacheKey = async () => "x";'));
    const promised = await run("small");
    expect(promised.code, describeRun(promised)).toBe(1);
    expect(promised.all).toContain("task.ts: cacheKey() returned a Promise; it must return a string at once (it is called once, as the code loads)");
  });
});

describe("evalwire run --limit / --sample / --example", () => {
  it("runs the chosen examples and records the run as partial", async () => {
    const p = project();
    const limited = await evalwire(["run", "--experiments", p.experiments, "--limit", "2"], p.cwd, p.env);
    expect(limited.code, describeRun(limited)).toBe(0);
    const limitedDir = runDirs(p.cwd)[0]!;
    expect(readResults(limitedDir).map(key)).toEqual(["ex-1#1", "ex-2#1"]);
    expect(readRun(limitedDir)).toMatchObject({ planned: 2, selection: { description: "the first 2", partial: true }, metadata: { evalwire_partial: true } });

    const sampled = [];
    for (let i = 0; i < 2; i++) {
      const cwd = temp();
      const r = await evalwire(["run", "--experiments", p.experiments, "--sample", "3", "--seed", "nightly"], cwd, p.env);
      expect(r.code, describeRun(r)).toBeLessThanOrEqual(1);
      sampled.push(readResults(runDirs(cwd)[0]!).map(key).sort());
    }
    expect(sampled[0]).toHaveLength(3);
    expect(sampled[1]).toEqual(sampled[0]);

    const one = await evalwire(["run", "--experiments", p.experiments, "--example", "ex-5", "--example", "ex-2"], temp(), p.env);
    expect(one.code, describeRun(one)).toBe(0);

    const missing = await evalwire(["run", "--experiments", p.experiments, "--example", "ex-99"], p.cwd, p.env);
    expect(missing.code, describeRun(missing)).toBe(1);
    expect(missing.stdout).toContain('dataset "counting" has no example "ex-99"');
  });
});

describe("evalwire run --retry-errors RUN", () => {
  it("carries the successful results and calls the task only for the errored ones", async () => {
    const p = project();
    const first = await evalwire(["run", "--experiments", p.experiments], p.cwd, p.env);
    expect(first.code, describeRun(first)).toBe(1);
    const firstDir = runDirs(p.cwd)[0]!;
    const name = readRun(firstDir).name;

    const again = await evalwire(["run", "--experiments", p.experiments, "--retry-errors", name, "--reporter", "junit=out/junit.xml"], p.cwd, { ...p.env, HEALED: "1" });
    expect(again.code, describeRun(again)).toBe(0);
    expect(p.calls().slice(6)).toEqual(["ex-3 1"]);
    // The JUnit report lists the carried calls too, not only the one made again.
    const junit = (await parseJunit(readFileSync(join(p.cwd, "out", "junit.xml"), "utf8"))) as any;
    expect(junit.testsuite[0].testcase.map((c: any) => c.name).sort()).toEqual(["ex-1", "ex-2", "ex-3", "ex-4", "ex-5", "ex-6"]);
    const secondDir = runDirs(p.cwd).find((dir) => dir !== firstDir)!;
    const results = readResults(secondDir);
    expect(results.map(key).sort()).toEqual(["ex-1#1", "ex-2#1", "ex-3#1", "ex-4#1", "ex-5#1", "ex-6#1"]);
    expect(results.every((result: any) => result.status === "ok")).toBe(true);
    expect(readRun(secondDir)).toMatchObject({ status: "passed", metadata: { evalwire_retry_errors_of: name } });
  });
});

describe("evalwire run --retry-errors RUN of a shard", () => {
  it("is a run of that shard: its errors retried, its results carried, a shard folder merge can take", async () => {
    const p = project();
    const i = inShard({ index: 1, count: 2 }, "ex-3", 1) ? 1 : 2;
    const first = await evalwire(["run", "--experiments", p.experiments, "--shard", `${i}/2`], p.cwd, p.env);
    expect(first.code, describeRun(first)).toBe(1);
    const firstDir = runDirs(p.cwd)[0]!;
    const again = await evalwire(["run", "--experiments", p.experiments, "--retry-errors", readRun(firstDir).name], p.cwd, { ...p.env, HEALED: "1" });
    expect(again.code, describeRun(again)).toBe(0);
    const secondDir = runDirs(p.cwd).find((dir) => dir !== firstDir)!;
    expect(secondDir).toMatch(new RegExp(`-shard-${i}-of-2(-\\d+)?$`));
    expect(readRun(secondDir)).toMatchObject({ shard: `${i}/2`, status: "passed" });
    expect(readResults(secondDir).map(key).sort()).toEqual(readResults(firstDir).map(key).sort());
  });
});

describe("evalwire run --resume", () => {
  it("after a SIGKILL and a torn last line, finishes the run with every example recorded exactly once", async () => {
    const p = project();
    // Slow examples, so the run is killed in the middle.
    const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `ex-${i + 1}`, input: { n: i + 1, sleep_ms: 150 } }));
    writeFileSync(join(p.experiments, "counting", "dataset.jsonl"), `${rows.join("\n")}\n`);
    const runDir = await killMidRun(p, ["run", "--experiments", p.experiments, "--example-concurrency", "2", "--repetitions", "2"], 8);
    // The kill may land between two writes; make the last line torn for certain.
    appendFileSync(join(runDir, "results.jsonl"), '{"exampleId":"ex-30","repetition":2,"sta');
    const before = readFileSync(join(runDir, "results.jsonl"), "utf8")
      .split("\n")
      .filter((line) => line.endsWith("}")).length;
    expect(readRun(runDir).status).toBe("running");

    const resumed = await evalwire(["run", "--experiments", p.experiments, "--resume"], p.cwd, p.env);
    expect(resumed.code, describeRun(resumed)).toBe(0);
    expect(resumed.all).toContain(`resuming ${readRun(runDir).name}: ${before} task calls already recorded (an unreadable line`);
    expect(runDirs(p.cwd)).toEqual([runDir]);
    const lines = readFileSync(join(runDir, "results.jsonl"), "utf8").split("\n").filter(Boolean);
    const results = lines.map((line) => JSON.parse(line));
    expect(results).toHaveLength(60);
    expect(new Set(results.map(key)).size).toBe(60);
    expect(readRun(runDir)).toMatchObject({ status: "passed", summary: { completed: 60, planned: 60 } });
    // The calls recorded before the kill were not made again.
    const recordedCalls = new Set(results.slice(0, before).map((result: any) => `${result.exampleId} ${result.repetition}`));
    const afterResume = p.calls().slice(-(60 - before));
    expect(afterResume.filter((call) => recordedCalls.has(call))).toEqual([]);
  });

  it("refuses a run another process is still recording (exit 2), and resumes it once that process is gone", async () => {
    const p = project();
    // After the first 4, the calls wait while the hold file exists: the run is still going when the second process looks.
    const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `ex-${i + 1}`, input: { n: i + 1, sleep_ms: 20, hold: i >= 4 } }));
    writeFileSync(join(p.experiments, "counting", "dataset.jsonl"), `${rows.join("\n")}\n`);
    const hold = join(p.cwd, "hold");
    writeFileSync(hold, "");
    const child = startCli(["run", "--experiments", p.experiments, "--example-concurrency", "2"], { cwd: p.cwd, env: { ...p.env, HOLD_FILE: hold } });
    const done = collect(child);
    let runDir = "";
    try {
      runDir = await waitFor(() => runDirs(p.cwd)[0], 30_000, "the run folder");
      await waitFor(() => resultLines(runDir) > 2, 30_000, "2 results");
      const second = await evalwire(["run", "--experiments", p.experiments, "--resume"], p.cwd, p.env);
      expect(second.code, describeRun(second)).toBe(2);
      const name = readRun(runDir).name;
      expect(second.all).toContain(
        `run ${name} is still being recorded by process ${child.pid}; wait for it to end, or stop it and resume then (if process ${child.pid} is not evalwire, delete .evalwire/runs/${name}/run.lock)`,
      );
      expect(readRun(runDir).status).toBe("running");
    } finally {
      child.kill("SIGKILL");
      await done;
    }
    // Killed, it left its lock behind, naming a process that is gone: no longer a reason to refuse.
    expect(existsSync(join(runDir, "run.lock"))).toBe(true);
    const resumed = await evalwire(["run", "--experiments", p.experiments, "--resume"], p.cwd, p.env);
    expect(resumed.code, describeRun(resumed)).toBe(0);
    const results = readResults(runDir);
    expect(results).toHaveLength(30);
    expect(new Set(results.map(key)).size).toBe(30);
    expect(existsSync(join(runDir, "run.lock"))).toBe(false);
  });

  it("of two resumes started together, one records and the other is refused: no task call is recorded twice", async () => {
    const p = project();
    const total = 60_000;
    const rows = Array.from({ length: total }, (_, i) => JSON.stringify({ id: `ex-${i + 1}`, input: { n: i + 1 } }));
    writeFileSync(join(p.experiments, "counting", "dataset.jsonl"), `${rows.join("\n")}\n`);
    const whole = await evalwire(["run", "--experiments", p.experiments, "--quiet"], p.cwd, p.env);
    expect(whole.code, describeRun(whole)).toBe(0);
    // Made unfinished, with no checkpoint: a resume reads every recorded line before it goes on.
    const runDir = runDirs(p.cwd)[0]!;
    const { endedAt: _e, summary: _s, ...run } = readRun(runDir);
    writeFileSync(join(runDir, "run.json"), JSON.stringify({ ...run, status: "interrupted" }));
    const lines = readFileSync(join(runDir, "results.jsonl"), "utf8").split("\n").filter(Boolean);
    writeFileSync(join(runDir, "results.jsonl"), `${lines.slice(0, total - 2000).join("\n")}\n`);

    const resume = () => evalwire(["run", "--experiments", p.experiments, "--resume", runDir, "--quiet"], p.cwd, p.env);
    const both = await Promise.all([resume(), resume()]);
    // One records; the other is refused while it does (or, on a slow machine, once it has finished): never a second recorder.
    expect(both.map((each) => each.code).sort(), both.map(describeRun).join("\n")).toEqual([0, 2]);
    const results = readResults(runDir);
    expect(new Set(results.map(key)).size).toBe(total);
    expect(results).toHaveLength(total);
  });

  it("judges the resumed run over all its results, those recorded before the kill included", async () => {
    const p = project();
    // ex-1 fails before the kill, ex-30 after the resume: two errors over the whole run, one each side.
    const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `ex-${i + 1}`, input: { n: i + 1, sleep_ms: 150, ...(i === 0 || i === 29 ? { fail: true } : {}) } }));
    writeFileSync(join(p.experiments, "counting", "dataset.jsonl"), `${rows.join("\n")}\n`);
    const args = ["run", "--experiments", p.experiments, "--example-concurrency", "2", "--max-errors", "1"];
    const runDir = await killMidRun(p, args, 6);
    expect(readResults(runDir).find((result: any) => result.exampleId === "ex-1")).toMatchObject({ status: "error" });

    const resumed = await evalwire([...args, "--resume", "--reporter", "junit=out/junit.xml"], p.cwd, p.env);
    expect(resumed.code, describeRun(resumed)).toBe(1);
    const run = readRun(runDir);
    expect(run).toMatchObject({ status: "failed", summary: { completed: 30, taskErrors: 2 } });
    expect(run.summary.judgement.gates).toEqual([expect.objectContaining({ gate: "max_errors", actual: 2, bar: 1, verdict: "fail" })]);
    // The JUnit report lists every task call of the run, those recorded before the kill included, each once.
    const junit = (await parseJunit(readFileSync(join(p.cwd, "out", "junit.xml"), "utf8"))) as any;
    const calls = junit.testsuite[0].testcase.filter((c: any) => c.classname === "counting");
    expect(calls).toHaveLength(30);
    expect(new Set(calls.map((c: any) => c.name)).size).toBe(30);
    expect(
      calls
        .filter((c: any) => c.error)
        .map((c: any) => c.name)
        .sort(),
    ).toEqual(["ex-1", "ex-30"]);
    expect(junit.testsuite[0]).toMatchObject({ tests: 31, errors: 2, failures: 1 });
  });

  it("after a SIGKILL past a checkpoint, counts from the checkpoint what parsing every line counts", async () => {
    const p = project();
    // ex-1 and ex-40 fail; 80 slow calls two at a time run long enough for checkpoints (every 2 s).
    const rows = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `ex-${i + 1}`, input: { n: i + 1, sleep_ms: 100, ...(i === 0 || i === 39 ? { fail: true } : {}) } }));
    writeFileSync(join(p.experiments, "counting", "dataset.jsonl"), `${rows.join("\n")}\n`);
    const args = ["run", "--experiments", p.experiments, "--example-concurrency", "2", "--repetitions", "2", "--max-errors", "3"];
    const child = startCli(args, { cwd: p.cwd, env: p.env });
    const done = collect(child);
    const runDir = await waitFor(() => runDirs(p.cwd)[0], 30_000, "the run folder");
    const results = join(runDir, "results.jsonl");
    // Killed once results were recorded after a checkpoint.
    await waitFor(
      () => existsSync(join(runDir, "checkpoint.json")) && statSync(results).size > JSON.parse(readFileSync(join(runDir, "checkpoint.json"), "utf8")).resultsBytes,
      30_000,
      "a checkpoint",
    );
    child.kill("SIGKILL");
    await done;
    expect(readRun(runDir).status).toBe("running");

    // The same crash, resumed with its checkpoint and, in a copy, without.
    const copy = temp();
    cpSync(p.cwd, copy, { recursive: true });
    const copyDir = join(copy, runDir.slice(p.cwd.length));
    rmSync(join(copyDir, "checkpoint.json"));
    const withCheckpoint = await evalwire([...args, "--resume"], p.cwd, p.env);
    const parsed = await evalwire([...args.map((arg) => (arg === p.experiments ? join(copy, "experiments") : arg)), "--resume"], copy, { COUNT_FILE: join(copy, "calls.txt") });
    expect(withCheckpoint.code, describeRun(withCheckpoint)).toBe(1);
    expect(parsed.code, describeRun(parsed)).toBe(1);
    const summary = (dir: string) => {
      const { completed, planned, taskErrors, evaluatorErrors, evaluators, judgement } = readRun(dir).summary;
      return { completed, planned, taskErrors, evaluatorErrors, evaluators, scores: judgement.scores, gates: judgement.gates.map((gate: any) => gate.text) };
    };
    expect(summary(runDir)).toEqual(summary(copyDir));
    expect(summary(runDir)).toMatchObject({ completed: 80, planned: 80, taskErrors: 4, gates: ["errors 4 > 3"] });
    expect(readResults(runDir).map(key).sort()).toEqual(readResults(copyDir).map(key).sort());
    expect(new Set(readResults(runDir).map(key)).size).toBe(80);
    // A finished run keeps no checkpoint.
    expect(existsSync(join(runDir, "checkpoint.json"))).toBe(false);
  });

  it("keeps a checkpoint of an interrupted run (Ctrl-C) over every result it recorded", async () => {
    const p = project();
    // After the first 4, the calls wait while the hold file exists: the run is still going when it is interrupted.
    const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `ex-${i + 1}`, input: { n: i + 1, sleep_ms: 20, hold: i >= 4 } }));
    writeFileSync(join(p.experiments, "counting", "dataset.jsonl"), `${rows.join("\n")}\n`);
    const hold = join(p.cwd, "hold");
    writeFileSync(hold, "");
    const child = startCli(["run", "--experiments", p.experiments, "--example-concurrency", "2"], { cwd: p.cwd, env: { ...p.env, HOLD_FILE: hold } });
    const done = collect(child);
    const runDir = await waitFor(() => runDirs(p.cwd)[0], 30_000, "the run folder");
    await waitFor(() => resultLines(runDir) > 4, 30_000, "4 results");
    child.kill("SIGINT");
    await done;
    expect(readRun(runDir).status).toBe("interrupted");
    const checkpoint = JSON.parse(readFileSync(join(runDir, "checkpoint.json"), "utf8"));
    expect(checkpoint.resultsBytes).toBe(statSync(join(runDir, "results.jsonl")).size);
    expect(checkpoint.state.tally.completed).toBe(readResults(runDir).length);

    const resumed = await evalwire(["run", "--experiments", p.experiments, "--resume"], p.cwd, p.env);
    expect(resumed.code, describeRun(resumed)).toBe(0);
    expect(readRun(runDir)).toMatchObject({ status: "passed", summary: { completed: 30, evaluators: { doubled: { mean: 1, scored: 30 } } } });
  });

  it("records the time every process spent on the run (Ctrl-C, then a SIGKILL, then the end), not the pauses between them", async () => {
    const p = project();
    // One call at a time, each 200 ms or more: the run's time is at least the sum of its calls' times.
    const rows = Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: `ex-${i + 1}`, input: { n: i + 1, sleep_ms: 200 } }));
    writeFileSync(join(p.experiments, "counting", "dataset.jsonl"), `${rows.join("\n")}\n`);
    const args = ["run", "--experiments", p.experiments, "--example-concurrency", "1"];
    const first = startCli(args, { cwd: p.cwd, env: p.env });
    const firstDone = collect(first);
    const runDir = await waitFor(() => runDirs(p.cwd)[0], 30_000, "the run folder");
    await waitFor(() => resultLines(runDir) > 3, 30_000, "3 results");
    first.kill("SIGINT");
    await firstDone;
    let pausedMs = 0;
    const pause = async () => {
      const from = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      pausedMs += Date.now() - from;
    };
    await pause();
    await killMidRun(p, [...args, "--resume"], 6);
    await pause();
    const last = await evalwire([...args, "--resume", "--reporter", `json=${join(p.cwd, "report.json")}`], p.cwd, p.env);
    expect(last.code, describeRun(last)).toBe(0);
    const run = readRun(runDir);
    expect(run).toMatchObject({ status: "passed", summary: { completed: 10 } });
    const callsMs = readResults(runDir).reduce((sum: number, result: any) => sum + result.durationMs, 0);
    expect(run.summary.durationMs).toBeGreaterThanOrEqual(callsMs);
    // From the first start to the end, less the pauses between the processes.
    expect(run.summary.durationMs).toBeLessThanOrEqual(Date.parse(run.endedAt) - Date.parse(run.startedAt) - pausedMs);
    // The summary shows it, in seconds.
    const shown = /✔ counting 10\/10 runs, 0 errors, (\d+\.\d)s/.exec(last.stdout);
    expect(Number(shown?.[1])).toBeGreaterThanOrEqual(Math.floor(callsMs / 100) / 10);
    const report = JSON.parse(readFileSync(join(p.cwd, "report.json"), "utf8"));
    // The report too (its figure is taken a moment after run.json's).
    expect(report.experiments[0].durationMs).toBeGreaterThanOrEqual(run.summary.durationMs);
  });

  it("goes on with a shard's run as that shard: only its calls, into its folder; another --shard is refused", async () => {
    const p = project();
    const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `ex-${i + 1}`, input: { n: i + 1, sleep_ms: 150 } }));
    writeFileSync(join(p.experiments, "counting", "dataset.jsonl"), `${rows.join("\n")}\n`);
    const runDir = await killMidRun(p, ["run", "--experiments", p.experiments, "--example-concurrency", "2", "--shard", "2/2"], 4);
    const planned = readRun(runDir).planned;
    const mine = rows.map((row) => JSON.parse(row).id).filter((id) => inShard({ index: 2, count: 2 }, id, 1));
    expect(planned).toBe(mine.length);

    const other = await evalwire(["run", "--experiments", p.experiments, "--resume", runDir, "--shard", "1/2"], p.cwd, p.env);
    expect(other.code, describeRun(other)).toBe(2);
    expect(other.all).toContain(`run ${readRun(runDir).name} is shard 2/2, not 1/2; leave --shard out to go on with it`);

    const resumed = await evalwire(["run", "--experiments", p.experiments, "--resume"], p.cwd, p.env);
    expect(resumed.code, describeRun(resumed)).toBe(0);
    expect(runDirs(p.cwd)).toEqual([runDir]);
    expect(
      readResults(runDir)
        .map((result: any) => result.exampleId)
        .sort(),
    ).toEqual([...mine].sort());
    expect(readRun(runDir)).toMatchObject({ status: "passed", shard: "2/2", summary: { planned: mine.length, completed: mine.length } });
  });

  it("with a run id, a shard's run that finished counts as it is: no call runs again, no second run of the shard for merge to refuse", async () => {
    const p = project();
    const env = { ...p.env, HEALED: "1" };
    const args = ["run", "--experiments", p.experiments, "--shard", "1/2", "--run-id", "4242"];
    const first = await evalwire(args, p.cwd, env);
    expect(first.code, describeRun(first)).toBe(0);
    const [dir] = runDirs(p.cwd);
    const calls = p.calls().length;
    expect(calls).toBe(readRun(dir!).planned);

    const again = await evalwire([...args, "--resume"], p.cwd, env);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.all).toContain(`counting: run ${readRun(dir!).name} of run id 4242 (shard 1/2) finished (passed): it counts as it is; no call runs again`);
    expect(again.all).not.toContain("resuming");
    expect(p.calls()).toHaveLength(calls);
    expect(runDirs(p.cwd)).toEqual([dir]);
    expect(readRun(dir!)).toMatchObject({ status: "passed", summary: { completed: calls } });
    expect(readResults(dir!)).toHaveLength(calls);

    // Another shard's, or another run id's, finished run is not this one: a new run starts.
    const other = await evalwire(["run", "--experiments", p.experiments, "--shard", "1/2", "--run-id", "4243", "--resume"], p.cwd, env);
    expect(other.code, describeRun(other)).toBe(0);
    expect(other.all).toContain("no unfinished run of counting");
    expect(runDirs(p.cwd)).toHaveLength(2);
  });

  it("a finished run that counts as it is shows its first errors, read back from its results.jsonl (none were made by this process)", async () => {
    const p = project();
    const args = ["run", "--experiments", p.experiments, "--run-id", "4244"];
    const first = await evalwire(args, p.cwd, p.env);
    expect(first.code, describeRun(first)).toBe(1); // ex-3 throws
    const again = await evalwire([...args, "--resume"], p.cwd, p.env);
    expect(again.code, describeRun(again)).toBe(1);
    expect(again.all).toContain("no call runs again");
    expect(again.stdout).toContain("✖ counting: 1 task error\n    example ex-3: task: example 3 fails\n");
    expect(again.stdout).not.toContain("… and");
  });

  it("refuses, naming what changed, when the dataset or the task changed (exit 2)", async () => {
    const p = project();
    const child = startCli(["run", "--experiments", p.experiments], { cwd: p.cwd, env: p.env });
    const done = collect(child);
    const runDir = await waitFor(() => runDirs(p.cwd)[0], 30_000, "the run folder");
    await done;
    // Make it look unfinished, then change the dataset.
    const run = readRun(runDir);
    writeFileSync(join(runDir, "run.json"), JSON.stringify({ ...run, status: "running", summary: undefined }));
    appendFileSync(join(p.experiments, "counting", "dataset.jsonl"), '{"id":"ex-7","input":{"n":7}}\n');
    const changedData = await evalwire(["run", "--experiments", p.experiments, "--resume", run.name], p.cwd, p.env);
    expect(changedData.code, describeRun(changedData)).toBe(2);
    expect(changedData.all).toMatch(new RegExp(`the dataset "counting" changed since run ${run.name} \\(version sha256:\\w+, now sha256:\\w+\\); start a new run`));

    writeFileSync(join(p.experiments, "counting", "dataset.jsonl"), readFileSync(fixture("long-runs", "counting", "dataset.jsonl")));
    writeFileSync(join(p.experiments, "counting", "_helper.ts"), "export const answer = (n: number) => ({ answer: 2 * n });\n");
    const changedTask = await evalwire(["run", "--experiments", p.experiments, "--resume", run.name], p.cwd, p.env);
    expect(changedTask.code, describeRun(changedTask)).toBe(2);
    expect(changedTask.all).toContain(`the task of counting changed since run ${run.name} (task file or a file it imports); start a new run`);
  });
});
