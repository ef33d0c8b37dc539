import { afterEach, describe, expect, it, vi } from "vitest";
import { exactMatch } from "../../src/evaluators/index.js";
import { type ExampleResult, evaluate, type RunListener, UsageError } from "../../src/index.js";
import { readResults, readRun, tempDir } from "../helpers/cli.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});
const runsDir = () => {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  return dir;
};

const data = [
  { id: "a", input: { q: "2+2" }, output: { expected_output: "4" } },
  { id: "b", input: { q: "3+3" }, output: { expected_output: "6" } },
  { id: "c", input: { q: "5+5" }, output: { expected_output: "11" } },
];
const add = ({ input }: { input: { q: string } }) =>
  String(
    input.q
      .split("+")
      .map(Number)
      .reduce((a, b) => a + b, 0),
  );

describe("evaluate (an experiment from memory)", () => {
  it("runs the task and named evaluators through the engine and the run store, and resolves with the result", async () => {
    const dir = runsDir();
    const seen: ExampleResult[] = [];
    const result = await evaluate({
      name: "adder",
      data,
      task: add,
      evaluators: { exact: exactMatch(), long: ({ output }) => String(output).length > 1 },
      runsDir: dir,
      listeners: [{ onResult: (_i, r) => void seen.push(r) }],
    });
    expect(result).toMatchObject({ experiment: "adder", status: "passed", planned: 3, completed: 3, evaluators: { exact: { mean: 2 / 3 }, long: { mean: 1 / 3 } } });
    expect(seen.map((r) => r.output)).toEqual(["4", "6", "10"]);
    expect(readRun(result.runPath!)).toMatchObject({ status: "passed", evaluators: ["exact", "long"] });
    expect(readResults(result.runPath!)).toHaveLength(3);
  });

  it("resolves (never rejects) with a failed result when the task throws, and records nothing when runsDir is false", async () => {
    const result = await evaluate({
      name: "thrower",
      data,
      task: () => {
        throw new Error("model down");
      },
      evaluators: {},
      runsDir: false,
    });
    expect(result).toMatchObject({ status: "failed", taskErrors: 3, runPath: null });
  });

  it("interrupts in-thread tasks that never await, between calls", async () => {
    const controller = new AbortController();
    let armed = false;
    const listener: RunListener = {
      onResult: () => {
        if (!armed) setTimeout(() => controller.abort(), 20);
        armed = true;
      },
    };
    const busy = () => {
      const end = Date.now() + 100;
      while (Date.now() < end);
      return 1;
    };
    const result = await evaluate({
      name: "busy",
      data: Array.from({ length: 30 }, (_, n) => ({ input: { n } })),
      task: busy,
      evaluators: {},
      runsDir: false,
      signal: controller.signal,
      listeners: [listener],
    });
    expect(result.status).toBe("interrupted");
    // Without yielding between calls, the ten in flight would all run before the abort is heard.
    expect(result.completed).toBeLessThanOrEqual(4);
  });

  it("refuses bad options and data with a UsageError naming them", async () => {
    const base = { name: "x", data, task: add, evaluators: {}, runsDir: false as const };
    await expect(evaluate({ ...base, name: "a/b" })).rejects.toThrow(UsageError);
    await expect(evaluate({ ...base, data: [] })).rejects.toThrow("evaluate(): data must be a non-empty array");
    await expect(evaluate({ ...base, data: [{ input: "text" } as never] })).rejects.toThrow('evaluate(): data item:1: "input" must be an object');
    await expect(evaluate({ ...base, data: [{ inputs: { q: 1 } } as never] })).rejects.toThrow('evaluate(): data item:1: unknown key "inputs"; a record has input, output, metadata and id');
    await expect(evaluate({ ...base, evaluators: { bad: 42 as never } })).rejects.toThrow("evaluate(): evaluators.bad must be a function or an object with evaluate()");
    // A list would name its evaluators 0, 1... in every report: it must be keyed by name.
    await expect(evaluate({ ...base, evaluators: [() => 1] as never })).rejects.toThrow(
      "evaluate(): evaluators must be an object of named evaluators, such as { exact: exactMatch() } (got a list)",
    );
    await expect(evaluate({ ...base, timeoutMs: 2 ** 31 })).rejects.toThrow("evaluate(): timeoutMs takes a whole number from 0 to 2147483647");
    // A misspelt option would be ignored without a word (a JavaScript caller has no compiler to catch it).
    await expect(evaluate({ ...base, timeout: 5 } as never)).rejects.toThrow(
      'evaluate(): unknown option "timeout" (options: name, data, task, evaluators, timeoutMs, repetitions, exampleConcurrency, metadata, prefix, dryRun, runsDir, listeners, signal)',
    );
  });

  it("holds its time limit in a test that fakes the timers (vi.useFakeTimers): a task that never settles times out", async () => {
    vi.useFakeTimers();
    try {
      const result = await evaluate({
        name: "faked",
        data,
        task: ({ input }: { input: { q: string } }) => (input.q === "3+3" ? new Promise<string>(() => {}) : add({ input })),
        evaluators: { exact: exactMatch() },
        runsDir: false,
        timeoutMs: 300,
      });
      expect(result).toMatchObject({ status: "failed", completed: 3, taskErrors: 1 });
    } finally {
      vi.useRealTimers();
    }
  });
});
