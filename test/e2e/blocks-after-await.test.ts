// Code that blocks its thread after an await (or in a timer) cannot be tied to one call: no call is
// in its synchronous part then. Found by a fresh-eyes review, where the call that last started a
// phase was blamed: another evaluator, or another example's waiting task recorded as a timeout and
// its output lost. Now every call running is named, outputs are kept, and none is called a timeout.
import { describe, expect, it } from "vitest";
import { describeRun, evaluation, evalwire, fixture, resultsById, runDirFor, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const blocked = "stopped: the experiment's code blocked the event loop for more than 1000 ms after an await or in a timer or callback";

describe("code that blocks its thread after an await", () => {
  it("keeps the task's output and names the example, blaming neither evaluator wrongly", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("blocks-after-await"), "--name", "two_evaluators", "--timeout", "1000"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const e1 = resultsById(runDirFor(cwd, "two_evaluators")).e1;
    expect(e1).toMatchObject({ status: "ok", output: { n: 1 } });
    expect(evaluation(e1, "a_blocks").error).toBe(`${blocked}, while example e1 ran`);
    expect(evaluation(e1, "b_waits").error).toBe(`${blocked}, while example e1 ran`);
    expect(r.all).not.toContain("never yields");
  });

  it("does not time out, blame or lose another example's task that was only waiting", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("blocks-after-await"), "--name", "two_examples", "--timeout", "1000", "--example-concurrency", "2"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const results = resultsById(runDirFor(cwd, "two_examples"));
    expect(results.e1).toMatchObject({ status: "ok", output: { n: 1 } });
    expect(evaluation(results.e1, "check").error).toBe(`${blocked}, while examples e1, e3 ran`);
    expect(results.e2).toMatchObject({ status: "ok", output: { n: 2 } });
    expect(results.e3).toMatchObject({ status: "error", error: `${blocked}, while examples e1, e3 ran` });
    expect(r.all).not.toContain("never yields");
  });

  it("keeps, and does not name, a call that ended in the turn in which another blocked the thread", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("blocks-after-await"), "--name", "same_turn", "--timeout", "1000", "--example-concurrency", "2"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const results = resultsById(runDirFor(cwd, "same_turn"));
    expect(results.e1).toMatchObject({ status: "ok", output: { ok: "e1" }, error: null });
    expect(results.spin).toMatchObject({ status: "error", error: `${blocked}, while example spin ran` });
  });
});
