import { describe, expect, it } from "vitest";
import { runExample, type UserCode } from "../../../src/engine/run-example.js";
import type { ExampleResult } from "../../../src/types.js";

const example = { id: "a", input: { name: "A" }, output: { greeting: "hello A" }, metadata: {} };
const call = { experiment: "greet", example, repetition: 1, timeoutMs: 1000, stop: new AbortController().signal };

describe("runExample's taskDone", () => {
  it("hands over the task's part of the result before any evaluator runs, and the evaluators wait for it", async () => {
    const events: string[] = [];
    const code: UserCode = {
      task: (ex: typeof example) => ({ greeting: `hello ${ex.input.name}` }),
      evaluators: [
        {
          name: "first",
          evaluate: () => {
            events.push("first ran");
            return 1;
          },
        },
        {
          name: "second",
          evaluate: () => {
            events.push("second ran");
            return 0;
          },
        },
      ],
    };
    let handed: ExampleResult | undefined;
    const result = await runExample(code, call, {
      taskDone: async (task) => {
        handed = structuredClone(task);
        events.push("task handed over");
        await new Promise((resolve) => setTimeout(resolve, 20));
        events.push("hand-over done");
      },
    });
    expect(events).toEqual(["task handed over", "hand-over done", "first ran", "second ran"]);
    expect(handed).toMatchObject({ exampleId: "a", status: "ok", output: { greeting: "hello A" }, error: null, evaluations: [] });
    expect(result?.output).toEqual({ greeting: "hello A" });
    expect(result?.evaluations.map((e) => [e.name, e.score])).toEqual([
      ["first", 1],
      ["second", 0],
    ]);
  });

  it("hands over a cached output too", async () => {
    const handed: unknown[] = [];
    const code: UserCode = { task: () => ({ never: true }), evaluators: [{ name: "one", evaluate: () => 1 }] };
    const cached = { output: { greeting: "from cache" }, storedAt: "2026-01-01T00:00:00.000Z", durationMs: 5 };
    const result = await runExample(code, { ...call, cached }, { taskDone: (task) => void handed.push(task.output) });
    expect(handed).toEqual([{ greeting: "from cache" }]);
    expect(result?.evaluations[0]?.score).toBe(1);
  });

  it("is not called when there is nothing to wait for: no evaluator, or a task that failed", async () => {
    const handed: unknown[] = [];
    const taskDone = (task: ExampleResult) => void handed.push(task.exampleId);
    const none = await runExample({ task: () => 1, evaluators: [] }, call, { taskDone });
    expect(none?.status).toBe("ok");
    const failed = await runExample(
      {
        task: () => {
          throw new Error("no quota");
        },
        evaluators: [{ name: "one", evaluate: () => 1 }],
      },
      call,
      { taskDone },
    );
    expect(failed).toMatchObject({ status: "error", error: "no quota", evaluations: [] });
    expect(handed).toEqual([]);
  });

  it("tells which call is entered: 0 for the task, n for the nth evaluator", async () => {
    const phases: number[] = [];
    const code: UserCode = {
      task: () => 1,
      evaluators: [
        { name: "one", evaluate: () => 1 },
        { name: "two", evaluate: () => 1 },
      ],
    };
    await runExample(code, call, { enter: (phase) => void phases.push(phase) });
    expect(phases).toEqual([0, 1, 2]);
  });
});
