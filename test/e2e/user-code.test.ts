import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, startCli } from "../helpers/cli.js";
import { describeRun, evaluation, evalwire, fixture, readResults, readRun, recordedLines, resultsById, runDirFor, useTempDirs, waitFor } from "./_support.js";

const temp = useTempDirs();

describe("user code cannot take evalwire down", () => {
  it("a top-level await that never settles fails that experiment after --load-timeout, named, in run and in list", async () => {
    const cwd = temp();
    const run = await evalwire(["run", "--experiments", fixture("load-never-settles"), "--load-timeout", "5000"], cwd);
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stdout).toMatch(
      /✖ stuck_load: \S*stuck_load\/task\.ts: did not finish loading within 5000 ms \(a top-level await that never settles, or code that never yields\?\); raise --load-timeout if it needs longer/,
    );
    expect(run.stdout).toMatch(/✔ fine\s+2\s/);
    expect(run.stdout).toContain("1 of 2 experiments failed.");

    writeFileSync(join(cwd, "evalwire.toml"), "[experiments]\nload_timeout = 5000\n");
    const list = await evalwire(["list", "--experiments", fixture("load-never-settles")], cwd);
    expect(list.code, describeRun(list)).toBe(1);
    expect(list.stdout).toMatch(/stuck_load\/task\.ts: did not finish loading within 5000 ms/);
    expect(list.stdout).toContain("1 problem found.");
  });

  it("process.exit in a task is an error of that example: the summary is printed and run.json is finished", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-exits")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/✖ exits\s+3\s+2\s/);
    expect(r.stdout).toContain("example zero: task: process.exit(0) was called; a task or evaluator cannot end evalwire");
    expect(r.stdout).toContain("example three: task: process.exit(3) was called");
    const dir = runDirFor(cwd, "exits");
    expect(readRun(dir)).toMatchObject({ status: "failed", summary: { completed: 3, taskErrors: 2 } });
    const results = resultsById(dir);
    expect(results.fine).toMatchObject({ status: "ok", output: { ok: true } });
    expect(results.zero).toMatchObject({ status: "error" });
  });

  it("a task that blocks its thread is stopped after --timeout; finished results stay on disk and the run goes on", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-blocks"), "--timeout", "2000"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("example forever: task: blocked the event loop for more than 2000 ms: task.ts never yields on example forever, so evalwire stopped it");
    const dir = runDirFor(cwd, "blocks");
    expect(readRun(dir)).toMatchObject({ status: "failed", summary: { planned: 4, completed: 4, taskErrors: 1 } });
    const results = resultsById(dir);
    expect(Object.keys(results).sort()).toEqual(["e1", "e2", "e4", "forever"]);
    expect(results.forever.status).toBe("timeout");
    // e4 ran in a new worker, after the blocked one was stopped
    expect(results.e4).toMatchObject({ status: "ok", output: { ok: "e4" } });
  });

  it("a task that fills its thread's heap is an error of that example, named; finished results stay on disk and the run goes on", async () => {
    const cwd = temp();
    // A small heap fills in seconds: Node gives --max-old-space-size to worker threads too.
    const r = await evalwire(["run", "--experiments", fixture("task-out-of-memory")], cwd, { NODE_OPTIONS: "--max-old-space-size=200" });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(
      /example hog: task: ran out of memory: task\.ts filled the 200 MB heap its thread may use on example hog, so evalwire stopped it \(NODE_OPTIONS=--max-old-space-size=MB sets it\)/,
    );
    const dir = runDirFor(cwd, "hog");
    expect(readRun(dir)).toMatchObject({ status: "failed", summary: { planned: 4, completed: 4, taskErrors: 1 } });
    const results = resultsById(dir);
    expect(results.hog).toMatchObject({ status: "error", output: null });
    // e4 ran in a new worker, after the one out of memory ended
    for (const id of ["e1", "e2", "e4"]) expect(results[id]).toMatchObject({ status: "ok", output: { ok: id } });
  });

  it("a task error whose message, stack or status cannot be read (a getter that throws) is that example's error; the run ends", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-throws-unreadable"), "--retries", "2"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const dir = runDirFor(cwd, "unreadable");
    expect(readRun(dir)).toMatchObject({ status: "failed", summary: { planned: 4, completed: 4, taskErrors: 3 } });
    const results = resultsById(dir);
    expect(results.fine).toMatchObject({ status: "ok", output: { ok: 1 } });
    expect(results.stack).toMatchObject({ status: "error", error: "hidden" });
    expect(results.status).toMatchObject({ status: "error", error: "hidden" });
    expect(results.message.status).toBe("error");
  });

  it.each([
    ["plain", "task-blocks-in-round"],
    ["async", "async-task-blocks-in-round"],
  ])("a task that blocks its thread in a round of calls that end at once (%s task): those that ended before it keep their results, only it is blamed", async (_kind, name) => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture(name), "--timeout", "1000"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("example forever: task: blocked the event loop for more than 1000 ms: task.ts never yields on example forever, so evalwire stopped it");
    expect(r.stdout).not.toContain("while this one was running");
    const dir = runDirFor(cwd, "round");
    expect(readRun(dir)).toMatchObject({ status: "failed", summary: { planned: 4, completed: 4, taskErrors: 1, evaluatorErrors: 0 } });
    const results = resultsById(dir);
    expect(results.forever.status).toBe("timeout");
    for (const id of ["e1", "e2", "e4"]) {
      expect(results[id]).toMatchObject({ status: "ok", output: { ok: id }, error: null });
      expect(evaluation(results[id], "length")).toMatchObject({ score: 1, error: null });
    }
  });

  it.each([
    ["plain", "large-results-in-round"],
    ["async", "async-large-results-in-round"],
  ])("a task that blocks its thread in a round (%s calls): results and task outputs too large for shared memory that ended before it are kept too", async (_kind, name) => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture(name), "--timeout", "1000"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).not.toContain("while this one was running");
    for (const [experiment, ids] of [
      ["with_evaluator", ["big", "talky", "small", "after"]],
      ["bare", ["big", "small", "after"]],
    ] as const) {
      const results = resultsById(runDirFor(cwd, experiment));
      expect(results.forever.status, experiment).toBe("timeout");
      for (const id of ids) {
        expect(results[id], `${experiment} ${id}`).toMatchObject({ status: "ok", output: { ok: id, text: id === "big" ? "b".repeat(20_000) : "" }, error: null });
        if (experiment === "with_evaluator") {
          expect(evaluation(results[id], "length"), id).toMatchObject({ score: 1, error: null, explanation: id === "talky" ? "t".repeat(20_000) : null });
        }
      }
    }
  });

  for (const [timeout, name] of [
    ["0", "task-blocks-in-round"],
    ["300000", "task-blocks-in-round"],
    ["0", "async-task-blocks-in-round"],
  ]) {
    it(`Ctrl-C while a task blocks its thread and --timeout ${timeout} does not stop it (${name}): the results that ended before it in its round are kept`, async () => {
      const cwd = temp();
      const child = startCli(["run", "--experiments", fixture(name!), "--timeout", timeout!], { cwd });
      const done = collect(child);
      await waitFor(() => existsSync(join(cwd, "blocked-forever")), 30_000, "the task to block");
      child.kill("SIGINT");
      const r = await done;
      expect(r.code, describeRun(r)).toBe(130);
      const dir = runDirFor(cwd, "round");
      expect(readRun(dir)).toMatchObject({ status: "interrupted", summary: { planned: 4, completed: 2 } });
      const results = resultsById(dir);
      expect(Object.keys(results).sort()).toEqual(["e1", "e2"]);
      for (const id of ["e1", "e2"]) {
        expect(results[id]).toMatchObject({ status: "ok", output: { ok: id }, error: null });
        expect(evaluation(results[id], "length")).toMatchObject({ score: 1, error: null });
      }
    });
  }

  it("SIGTERM while an evaluator blocks its thread, with repetitions: the calls that ended before it in its round are kept, and --resume runs only the rest", async () => {
    const cwd = temp();
    const args = ["run", "--experiments", fixture("evaluator-blocks-in-round"), "--timeout", "0", "--repetitions", "2"];
    const child = startCli(args, { cwd, env: { BLOCK: "1" } });
    const done = collect(child);
    await waitFor(() => existsSync(join(cwd, "blocked-forever")), 30_000, "the evaluator to block");
    child.kill("SIGTERM");
    const r = await done;
    expect(r.code, describeRun(r)).toBe(130);
    const dir = runDirFor(cwd, "round");
    expect(readRun(dir)).toMatchObject({ status: "interrupted", summary: { planned: 8, completed: 4 } });
    const calls = (results: any[]) => results.map((result) => `${result.exampleId}#${result.repetition}`).sort();
    expect(calls(readResults(dir))).toEqual(["e1#1", "e1#2", "e2#1", "e2#2"]);

    const resumed = await evalwire(["run", "--experiments", fixture("evaluator-blocks-in-round"), "--resume"], cwd);
    expect(resumed.code, describeRun(resumed)).toBe(0);
    expect(resumed.all).toContain("4 task calls already recorded");
    expect(calls(readResults(dir))).toEqual(["e1#1", "e1#2", "e2#1", "e2#2", "e4#1", "e4#2", "forever#1", "forever#2"]);
    expect(readRun(dir)).toMatchObject({ status: "passed", summary: { planned: 8, completed: 8 } });
  });

  it("an evaluator that blocks its thread is stopped after --timeout: the task outputs are kept, the evaluator is named, and the run goes on", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("evaluator-blocks"), "--timeout", "2000"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const blocked = "blocked the event loop for more than 2000 ms: evaluator grader never yields on example forever, so evalwire stopped it";
    expect(r.stdout).toContain(`example forever: grader: ${blocked}`);
    const dir = runDirFor(cwd, "spins");
    expect(readRun(dir)).toMatchObject({ status: "failed", summary: { planned: 4, completed: 4, taskErrors: 0 } });
    const results = resultsById(dir);
    expect(Object.keys(results).sort()).toEqual(["e1", "e3", "e4", "forever"]);
    // The culprit keeps its task's output; its evaluations say why they have no score.
    expect(results.forever).toMatchObject({ status: "ok", output: { answer: "answer to forever" }, error: null });
    expect(evaluation(results.forever, "grader").error).toBe(blocked);
    expect(evaluation(results.forever, "length").error).toBe("stopped: evaluator grader blocked the event loop for more than 2000 ms on this example");
    // e1 ended (its code returns plain values) in the same round, before "forever" blocked: its result is whole.
    expect(results.e1).toMatchObject({ status: "ok", output: { answer: "answer to e1" }, error: null });
    expect(results.e1.evaluations.map((e: { score: number; error: string | null }) => [e.score, e.error])).toEqual([
      [1, null],
      [1, null],
    ]);
    // e3 and e4 ran in a new worker, after the blocked one was stopped.
    for (const id of ["e3", "e4"]) {
      expect(results[id]).toMatchObject({ status: "ok", output: { answer: `answer to ${id}` } });
      expect(results[id].evaluations.map((e: { score: number }) => e.score)).toEqual([1, 1]);
    }
  });

  it("an evaluator that blocks its thread, then or after an await: the example's evaluations that had answered are kept as they came out", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("evaluators-answered-before-death"), "--timeout", "2000"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const forever = resultsById(runDirFor(cwd, "blocks")).forever;
    expect(forever).toMatchObject({ status: "ok", output: { answer: "answer to forever" } });
    expect(evaluation(forever, "answered")).toMatchObject({ score: 0.5, label: "half", explanation: "answered first", error: null });
    expect(evaluation(forever, "grader").error).toBe("blocked the event loop for more than 2000 ms: evaluator grader never yields on example forever, so evalwire stopped it");
    expect(evaluation(forever, "length").error).toBe("stopped: evaluator grader blocked the event loop for more than 2000 ms on this example");
    // Blocked after an await: no evaluator can be named, but quick had answered.
    const waited = resultsById(runDirFor(cwd, "awaits")).forever;
    expect(evaluation(waited, "quick")).toMatchObject({ score: 1, label: "quick", error: null });
    expect(evaluation(waited, "slow").error).toMatch(/^stopped: the experiment's code blocked the event loop for more than 2000 ms after an await/);
  });

  it("an evaluator that fills its thread's heap: the example's evaluations that had answered are kept, and the message gives the heap size set", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("evaluator-out-of-memory")], cwd, { NODE_OPTIONS: "--max-old-space-size=200" });
    expect(r.code, describeRun(r)).toBe(1);
    const ranOut = "ran out of memory: evaluator hog filled the 200 MB heap its thread may use on example hog, so evalwire stopped it (NODE_OPTIONS=--max-old-space-size=MB sets it)";
    expect(r.stdout).toContain(`example hog: hog: ${ranOut}`);
    const results = resultsById(runDirFor(cwd, "hog"));
    expect(results.hog).toMatchObject({ status: "ok", output: { answer: "answer to hog" } });
    expect(evaluation(results.hog, "answered")).toMatchObject({ score: 0.5, label: "half", error: null });
    expect(evaluation(results.hog, "hog").error).toBe(ranOut);
    expect(evaluation(results.hog, "length").error).toBe("stopped: evaluator hog ran out of memory on this example");
    expect(results.e3.evaluations.map((e: { score: number }) => e.score)).toEqual([0.5, 1, 1]);
  });

  it("Ctrl-C ends a run whose task blocks its thread, with no time limit set, keeping what finished", async () => {
    const cwd = temp();
    const child = startCli(["run", "--experiments", fixture("task-blocks"), "--timeout", "0"], { cwd });
    const done = collect(child);
    await waitFor(() => recordedLines(cwd) >= 2, 30_000, "two results in results.jsonl");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentAt = Date.now();
    child.kill("SIGINT");
    const r = await done;
    expect(r.code, describeRun(r)).toBe(130);
    expect(Date.now() - sentAt).toBeLessThan(8000);
    expect(r.stdout).toMatch(/blocks\b.*2\/4/);
    const dir = runDirFor(cwd, "blocks");
    expect(readRun(dir).status).toBe("interrupted");
    expect(Object.keys(resultsById(dir)).sort()).toEqual(["e1", "e2"]);
  });

  it("Ctrl-C while evalwire is still starting (a task file that takes 10 s to load) says so and exits 130 at once", async () => {
    const cwd = temp();
    const child = startCli(["run", "--experiments", fixture("slow-start")], { cwd });
    const done = collect(child);
    let stdout = "";
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    await waitFor(() => stdout.includes("1 experiment in"), 30_000, "the header");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sentAt = Date.now();
    child.kill("SIGINT");
    const r = await done;
    expect(r.code, describeRun(r)).toBe(130);
    expect(Date.now() - sentAt).toBeLessThan(5000);
    expect(r.stderr).toContain("SIGINT: stopping; finished results are kept");
    expect(r.stdout).toMatch(/■ slow\b/);
    expect(r.stdout).toContain("Interrupted: 0 passed, 0 failed, 1 interrupted.");
  });

  it("an error that escapes a task fails its experiment in the summary, in run.json and in the exit code", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-escapes")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("leaky: an error escaped the task or an evaluator (not awaited, or thrown in a callback): forgotten promise");
    expect(r.stdout).toMatch(/✖ leaky: an error escaped the task or an evaluator \(not awaited, or thrown in a callback\): (forgotten promise|thrown in a callback) \(and 1 more\)/);
    const dir = runDirFor(cwd, "leaky");
    expect(readRun(dir)).toMatchObject({ status: "failed", summary: { failure: expect.stringContaining("an error escaped") } });
    expect(Object.keys(resultsById(dir)).sort()).toEqual(["a", "b", "c"]);
  });

  it("an error that escapes after the last call ended (a 0 ms timer, an immediate) fails its experiment too", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-escapes-at-the-end")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(
      /✖ quick: an error escaped the task or an evaluator \(not awaited, or thrown in a callback\): (thrown after the last call|rejected after the last evaluation) \(and 1 more\)/,
    );
    const dir = runDirFor(cwd, "quick");
    expect(readRun(dir)).toMatchObject({ status: "failed", summary: { failure: expect.stringContaining("an error escaped") } });
    expect(Object.keys(resultsById(dir)).sort()).toEqual(["ex1", "ex2", "ex3", "ex4"]);
  });

  it("calls that keep the CPU busy back to back each get their own time limit: none is blamed for the ones before it", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("cpu-bound-calls"), "--timeout", "1000"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    const results = resultsById(runDirFor(cwd, "busy"));
    expect(Object.values(results).map((result) => result.status)).toEqual(Array(6).fill("ok"));
  });

  it("messages user code posts on the worker's port are let go, in list and run", async () => {
    const cwd = temp();
    const listed = await evalwire(["list", "--experiments", fixture("task-posts-to-port")], cwd);
    expect(listed.code, describeRun(listed)).toBe(0);
    expect(listed.stderr).not.toContain("TypeError");
    const r = await evalwire(["run", "--experiments", fixture("task-posts-to-port")], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(Object.keys(resultsById(runDirFor(cwd, "forged"))).sort()).toEqual(["p1", "p2"]);
  });

  it("a task module that fakes setImmediate does not stall the worker's own loop", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-fakes-immediate"), "--example-concurrency", "2"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(Object.keys(resultsById(runDirFor(cwd, "faked"))).sort()).toEqual(["f1", "f2", "f3", "f4", "f5"]);
  }, 20_000);

  it("a task that ends its thread (process.reallyExit) is an error of its call, not a timeout; the other calls run", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-really-exits")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const results = resultsById(runDirFor(cwd, "gone"));
    expect(results.r2).toMatchObject({ status: "error", error: expect.stringContaining("stopped (exit code 5)") });
    expect([results.r1.status, results.r3.status]).toEqual(["ok", "ok"]);
  });

  it("each call gets its own copy: a task or evaluator that changes what it was given changes nothing else", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-mutates")], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    const results = resultsById(runDirFor(cwd, "mutates"));
    for (const id of ["m", "m#2", "m#3"]) {
      expect(results[id].output, id).toEqual({ count: 1, tags: 2, value: "original" });
      expect(evaluation(results[id], "b_reads").score, id).toBe(1);
    }
  });

  it("a time limit that a timer cannot wait for is refused, from a flag or from evalwire.toml", async () => {
    const cwd = temp();
    const flag = await evalwire(["run", "--experiments", fixture("basic"), "--timeout", "2147483648"], cwd);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--timeout takes a whole number from 0 to 2147483647 (got "2147483648")');
    writeFileSync(join(cwd, "evalwire.toml"), "[experiments]\ntimeout = 4294967296\n");
    const config = await evalwire(["run", "--experiments", fixture("basic")], cwd);
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/evalwire\.toml: \[experiments\] timeout: expected a whole number from 0 to 2147483647/);
  });
});
