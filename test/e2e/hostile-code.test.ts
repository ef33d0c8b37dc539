import { describe, expect, it } from "vitest";
import { describeRun, evaluation, evalwire, fixture, readRun, resultsById, runDirFor, useTempDirs } from "./_support.js";

const temp = useTempDirs();

// User code that changes the built-ins it shares a thread with (see the README: "Your code cannot
// take evalwire down").
describe("user code that changes the built-ins of its thread", () => {
  it("Object.prototype polluted by a task: evaluations keep what the evaluator returned, and copies carry only their own keys", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("prototype-polluted")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("example neither: judge: returned an object with neither score nor label");
    expect(r.stdout).toContain("example fails: task: the task failed");
    const dir = runDirFor(cwd, "polluted");
    expect(readRun(dir)).toMatchObject({ status: "failed", summary: { completed: 4, taskErrors: 1, evaluatorErrors: 1 } });
    const results = resultsById(dir);
    expect(evaluation(results.label, "judge")).toMatchObject({ score: null, label: "meh", error: null });
    expect(evaluation(results.text, "judge")).toMatchObject({ score: null, label: "just a label", error: null });
    expect(evaluation(results.neither, "judge")).toMatchObject({ score: null, label: null, error: expect.stringContaining("neither score nor label") });
    // Each ran after the pollution: the copy of its example has its own keys only.
    for (const [id, n] of [
      ["label", 1],
      ["text", 2],
      ["neither", 3],
    ] as const) {
      expect(results[id], id).toMatchObject({ status: "ok", output: { input: { n } }, error: null });
      expect(Object.keys(results[id].output.input), id).toEqual(["n"]);
    }
    expect(results.fails).toMatchObject({ status: "error", output: null, error: "the task failed" });
  });

  it("a task module that fakes timers and clocks (as fake-timers' install does): --timeout and --retries still hold, times are evalwire's", async () => {
    const cwd = temp();
    const before = Date.now();
    const r = await evalwire(["run", "--experiments", fixture("fake-clock"), "--timeout", "1000", "--retries", "1"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("example hangs: task: timed out after 1000 ms");
    const dir = runDirFor(cwd, "clocked");
    expect(readRun(dir)).toMatchObject({ status: "failed", summary: { planned: 4, completed: 4, taskErrors: 1 } });
    const results = resultsById(dir);
    expect(results.hangs).toMatchObject({ status: "timeout", error: "timed out after 1000 ms" });
    expect(results.hangs.attempts).toHaveLength(2);
    // The task's own clock is frozen in 2001; what evalwire records is not.
    for (const id of ["first", "flaky", "last"]) expect(results[id], id).toMatchObject({ status: "ok", output: { id, today: "2001-02-03T04:05:06.000Z" } });
    expect(results.flaky.attempts).toHaveLength(2);
    for (const id of ["first", "hangs", "flaky", "last"]) expect(Date.parse(results[id].startedAt), id).toBeGreaterThanOrEqual(before - 1000);
    // Each try of "hangs" waited for its time limit, measured on evalwire's clock (the task's stays at 0).
    expect(results.hangs.durationMs).toBeGreaterThan(900);
  });
});

describe("user code that changes its output after returning it", () => {
  it("a task that returns one object it changes on every call: each result records, and its evaluator scores, what that call returned", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-reuses-output")], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    const results = resultsById(runDirFor(cwd, "reuses"));
    for (const [id, n] of [
      ["one", 1],
      ["two", 2],
      ["three", 3],
    ] as const) {
      expect(results[id], id).toMatchObject({ status: "ok", output: { n } });
      expect(evaluation(results[id], "judge"), id).toMatchObject({ score: 1, explanation: `saw ${n}` });
    }
  });
});

describe("user code that returns what JSON cannot hold", () => {
  it("a task that returns a fetch Response (its .json() forgotten) is an error saying so, not {} recorded", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-returns-response")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const problem = "the task returned a value that is not JSON (a Response: JSON writes it as {}; return the data it holds, such as await response.json())";
    expect(r.stdout).toContain(`example raw: task: ${problem}`);
    const results = resultsById(runDirFor(cwd, "fetches"));
    expect(results.raw).toMatchObject({ status: "error", output: null, error: problem });
    expect(results.parsed).toMatchObject({ status: "ok", output: { answer: 42 } });
  });
});

describe("user code that ends or stalls its thread", () => {
  it("parentPort.close() in a task is an error of that example; the results around it are kept", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-closes-port")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("example closes: task: parentPort.close() was called; a task or evaluator cannot end evalwire (throw an error instead)");
    const dir = runDirFor(cwd, "closes");
    expect(readRun(dir)).toMatchObject({ status: "failed", summary: { planned: 3, completed: 3, taskErrors: 1 } });
    const results = resultsById(dir);
    expect(results.closes).toMatchObject({ status: "error", output: null });
    for (const id of ["before", "after"]) expect(results[id], id).toMatchObject({ status: "ok", output: { ok: id }, error: null });
  });

  it("an endless chain of promise or nextTick callbacks (no while (true)) is stopped after --timeout as a blocked thread; the others are kept", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("microtask-loop"), "--timeout", "1000"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const dir = runDirFor(cwd, "loops");
    expect(readRun(dir)).toMatchObject({ status: "failed", summary: { planned: 4, completed: 4, taskErrors: 2 } });
    const results = resultsById(dir);
    for (const id of ["promises", "ticks"]) {
      const stopped = `stopped: the experiment's code blocked the event loop for more than 1000 ms after an await or in a timer or callback, while example ${id} ran`;
      expect(r.stdout).toContain(`example ${id}: task: ${stopped}`);
      expect(results[id], id).toMatchObject({ status: "error", output: null, error: stopped });
    }
    for (const id of ["before", "after"]) expect(results[id], id).toMatchObject({ status: "ok", output: { ok: id }, error: null });
  });

  it("an escaped error still fails only its experiment when a module took evalwire's handlers off, or ends the process from its own", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("escape-handlers")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("2 of 2 experiments failed.");
    const escaped = "an error escaped the task or an evaluator (not awaited, or thrown in a callback)";
    expect(r.stderr).toContain(`unhooks: ${escaped}: thrown in a timer`);
    expect(r.stderr).toContain(`unhooks: ${escaped}: not awaited`);
    expect(r.stderr).toContain(`exits_on_error: ${escaped}: thrown in a timer`);
    expect(r.stderr).toContain("logger: uncaught thrown in a timer");
    for (const [experiment, ids] of [
      ["unhooks", ["plain", "timer", "unawaited"]],
      ["exits_on_error", ["plain", "timer", "last"]],
    ] as const) {
      const dir = runDirFor(cwd, experiment);
      expect(readRun(dir), experiment).toMatchObject({ status: "failed", summary: { completed: 3, taskErrors: 0, failure: expect.stringContaining(escaped) } });
      const results = resultsById(dir);
      for (const id of ids) expect(results[id], `${experiment} ${id}`).toMatchObject({ status: "ok", output: { ok: id }, error: null });
    }
  });
});
