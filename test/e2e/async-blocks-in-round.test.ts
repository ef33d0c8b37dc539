// Async tasks and evaluators that return at once count as finished when a call started after them
// blocks the worker's thread: the worker starts the next call a turn of its loop after one that
// returned a promise (7e2c90d). Before, every call of a round started in one turn, and those whose
// promise callbacks had not run yet were recorded as stopped with the call that blocked.
import { describe, expect, it } from "vitest";
import { describeRun, evaluation, evalwire, fixture, readResults, resultsById, runDirFor, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const calls = (results: any[], ids: string[]) => results.filter((result) => ids.includes(result.exampleId));

/** The calls kept their task's output and their evaluator's score. */
function expectScored(results: any[]): void {
  for (const result of results) {
    expect(result).toMatchObject({ status: "ok", output: { ok: result.exampleId }, error: null });
    expect(evaluation(result, "check")).toMatchObject({ score: 1, error: null });
  }
}

describe("an async evaluator that blocks the thread in a round of async calls that end at once", () => {
  it("before any await: it alone is blamed; the calls started before it keep their scores", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("async-evaluator-blocks-in-round"), "--name", "before_await", "--timeout", "1000", "--repetitions", "2"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.all).not.toContain("while this one was running");
    const results = readResults(runDirFor(cwd, "before_await"));
    expect(results).toHaveLength(8);
    expectScored(calls(results, ["e1", "e2", "e4"]));
    for (const result of calls(results, ["forever"])) {
      expect(result).toMatchObject({ status: "ok", output: { ok: "forever" } });
      expect(evaluation(result, "check").error).toBe("blocked the event loop for more than 1000 ms: evaluator check never yields on example forever, so evalwire stopped it");
    }
  });

  it("after an await: only the example running is named; the calls started before it keep their scores", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("async-evaluator-blocks-in-round"), "--name", "after_await", "--timeout", "1000", "--repetitions", "2"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const results = readResults(runDirFor(cwd, "after_await"));
    expect(results).toHaveLength(8);
    expectScored(calls(results, ["e1", "e2", "e4"]));
    for (const result of calls(results, ["forever"])) {
      expect(result).toMatchObject({ status: "ok", output: { ok: "forever" } });
      expect(evaluation(result, "check").error).toBe(
        "stopped: the experiment's code blocked the event loop for more than 1000 ms after an await or in a timer or callback, while example forever ran",
      );
    }
  });
});

describe("a task that blocks the thread when another call's callbacks were due", () => {
  it("that call ends before the one that blocks starts: it keeps its result", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("async-callbacks-due"), "--timeout", "1000"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).not.toContain("while this one was running");
    const results = resultsById(runDirFor(cwd, "round"));
    expect(results.forever.status).toBe("timeout");
    for (const id of ["x", "a"]) expect(results[id], id).toMatchObject({ status: "ok", output: { ok: id }, error: null });
  });
});
