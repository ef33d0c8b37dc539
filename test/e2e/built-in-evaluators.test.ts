import { describe, expect, it } from "vitest";
import { describeRun, evaluation, evalwire, fixture, resultsById, runDirFor, useTempDirs } from "./_support.js";

const temp = useTempDirs();

describe("built-in evaluators through the CLI", () => {
  it("score an agent's transcript, tool calls and state from evalwire/evaluators, and a bad option fails its file's load naming the option", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("built-in-evaluators")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.all).toMatch(/bad_options[\\/]top_k\.ts: cannot load: topK: option "k" must be a whole number from 1 up \(got 0\)/);
    expect(r.stdout).toMatch(/1 of 2 experiments failed/);

    const byId = resultsById(runDirFor(cwd, "agent"));
    const scores = (id: string) => Object.fromEntries(["tools", "calls", "refused", "no_pii", "state", "answer"].map((name) => [name, evaluation(byId[id], name).score]));
    expect(scores("weather")).toEqual({ tools: 1, calls: 1, refused: 1, no_pii: 1, state: 1, answer: 1 });
    expect(scores("card")).toEqual({ tools: 1, calls: 1, refused: 1, no_pii: 1, state: 1, answer: 0 });
    expect(scores("support")).toEqual({ tools: 0, calls: 0, refused: 1, no_pii: 0, state: 0, answer: 0 });
    expect(evaluation(byId.card, "refused")).toMatchObject({ label: "refused", error: null });
    expect(evaluation(byId.support, "tools")).toMatchObject({ label: "fail", explanation: "called: delete_account" });
    expect(evaluation(byId.support, "no_pii")).toMatchObject({ explanation: "found 1 email address, 1 phone number" });
    expect(evaluation(byId.support, "state")).toMatchObject({ explanation: "ticket.open: expected false, got true" });
  });
});
