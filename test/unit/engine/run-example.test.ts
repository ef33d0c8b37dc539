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

// The calls of an example stay synchronous while user code returns plain values, and go async only
// when something returns a promise: every behaviour must hold on both ways and when they mix.
describe("runExample with code that returns at once, awaits, or both", () => {
  const transient = () => Object.assign(new Error("busy"), { status: 503, headers: { "retry-after-ms": "1" } });

  it("answers at once, with no promise, when the task and every evaluator return plain values", () => {
    const code: UserCode = { task: (ex: typeof example) => ({ greeting: `hello ${ex.input.name}` }), evaluators: [{ name: "one", evaluate: () => 1 }] };
    const result = runExample(code, call);
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toMatchObject({ status: "ok", output: { greeting: "hello A" }, evaluations: [{ name: "one", score: 1, error: null }] });
  });

  it("a task that returns at once, then an evaluator that awaits: scored, and timed out when it never settles", async () => {
    let signal: AbortSignal | undefined;
    const code: UserCode = {
      task: () => "out",
      evaluators: [
        { name: "later", evaluate: async ({ output }) => (await new Promise((resolve) => setTimeout(resolve, 5)), output === "out") },
        {
          name: "never",
          evaluate: (args) => {
            signal = args.signal;
            return new Promise(() => {});
          },
        },
        { name: "now", evaluate: () => 0.5 },
      ],
    };
    const pending = runExample(code, { ...call, timeoutMs: 50 });
    expect(pending).toBeInstanceOf(Promise);
    const result = await pending;
    expect(result?.evaluations.map((e) => [e.name, e.score, e.error])).toEqual([
      ["later", 1, null],
      ["never", null, "timed out after 50 ms"],
      ["now", 0.5, null],
    ]);
    expect(signal?.aborted).toBe(true);
  });

  it("a task that awaits, then evaluators that return at once: scored; a task that never settles times out", async () => {
    const code: UserCode = {
      task: async () => (await new Promise((resolve) => setTimeout(resolve, 5)), { n: 2 }),
      evaluators: [{ name: "two", evaluate: ({ output }) => (output as { n: number }).n === 2 }],
    };
    expect(await runExample(code, call)).toMatchObject({ status: "ok", output: { n: 2 }, evaluations: [{ name: "two", score: 1, label: "pass" }] });
    const stuck = await runExample({ task: () => new Promise(() => {}), evaluators: code.evaluators }, { ...call, timeoutMs: 30 });
    expect(stuck).toMatchObject({ status: "timeout", error: "timed out after 30 ms", evaluations: [] });
  });

  it("a task that throws at once is an error of the example, with its stack; no evaluator runs", () => {
    let evaluated = false;
    const code: UserCode = {
      task: () => {
        throw new TypeError("no input");
      },
      evaluators: [{ name: "one", evaluate: () => (evaluated = true) }],
    };
    const result = runExample(code, call) as ExampleResult;
    expect(result).toMatchObject({ status: "error", output: null, error: "no input", evaluations: [] });
    expect(result.stack).toContain("run-example.test.ts");
    expect(evaluated).toBe(false);
  });

  it("a transient error thrown at once is tried again under --retries, and every attempt is kept", async () => {
    let calls = 0;
    const code: UserCode = {
      task: () => {
        calls++;
        if (calls === 1) throw transient();
        return "second try";
      },
      evaluators: [{ name: "seen", evaluate: ({ output }) => output === "second try" }],
    };
    const result = await runExample(code, { ...call, retries: 2 });
    expect(calls).toBe(2);
    expect(result).toMatchObject({ status: "ok", output: "second try", evaluations: [{ name: "seen", score: 1 }] });
    expect(result?.attempts?.map((a) => [a.attempt, a.error, a.status, a.retriedBecause])).toEqual([
      [1, "busy", 503, "HTTP 503"],
      [2, null, null, null],
    ]);
    // Without --retries the same error is the result, at once.
    calls = 0;
    const once = runExample(code, call);
    expect(once).toMatchObject({ status: "error", error: "busy", evaluations: [] });
    expect(calls).toBe(1);
  });

  it("Ctrl-C: nothing runs once the run is stopped; an evaluator still waiting makes the example in flight (null); a retry's wait ends with the error", async () => {
    const stopped = new AbortController();
    stopped.abort();
    let ran = false;
    expect(runExample({ task: () => (ran = true), evaluators: [] }, { ...call, stop: stopped.signal })).toBeNull();
    expect(ran).toBe(false);

    const stop = new AbortController();
    const code: UserCode = {
      task: () => "now",
      evaluators: [
        { name: "now", evaluate: () => 1 },
        { name: "waits", evaluate: () => new Promise(() => setTimeout(() => stop.abort(new Error("SIGINT")), 5)) },
      ],
    };
    expect(await runExample(code, { ...call, stop: stop.signal })).toBeNull();

    const stopWhileWaiting = new AbortController();
    const retried = runExample(
      {
        task: () => {
          setTimeout(() => stopWhileWaiting.abort(), 5);
          throw Object.assign(new Error("slow down"), { status: 429, headers: { "retry-after-ms": "60000" } });
        },
        evaluators: [],
      },
      { ...call, retries: 3, stop: stopWhileWaiting.signal },
    );
    expect(await retried).toMatchObject({ status: "error", error: "slow down", attempts: [{ attempt: 1, status: 429, retriedBecause: null, waitedMs: 0 }] });
  });

  it("each call gets its own copy, on both ways: what the task or an evaluator changes, no other call sees", async () => {
    const shared = { id: "m", input: { items: [1] }, output: { items: [1] }, metadata: {} };
    const seen: unknown[] = [];
    const code: UserCode = {
      task: (ex: typeof shared) => {
        ex.input.items.push(99);
        return { items: ex.input.items };
      },
      evaluators: [
        {
          name: "changes",
          evaluate: ({ output, input }) => {
            (output as { items: number[] }).items.push(7);
            (input as { items: number[] }).items.push(7);
            return 1;
          },
        },
        {
          name: "awaits",
          evaluate: async ({ output, input }) => {
            await new Promise((resolve) => setTimeout(resolve, 1));
            seen.push(output, input);
            return 1;
          },
        },
      ],
    };
    const result = await runExample(code, { ...call, example: shared });
    expect(result?.output).toEqual({ items: [1, 99] });
    expect(seen).toEqual([{ items: [1, 99] }, { items: [1] }]);
    expect(shared.input.items).toEqual([1]);
  });

  it("a task output that is not JSON is an error, and what an evaluator returns that cannot be read is its error", () => {
    const notJson = runExample({ task: () => ({ seen: new Set([1]) }), evaluators: [{ name: "one", evaluate: () => 1 }] }, call);
    expect(notJson).toMatchObject({ status: "error", output: null, error: "the task returned a value that is not JSON (a Set at .seen)" });
    const unreadable = {
      get score() {
        throw new Error("no score yet");
      },
    };
    const result = runExample({ task: () => 1, evaluators: [{ name: "odd", evaluate: () => unreadable }] }, call);
    expect(result).toMatchObject({ status: "ok", evaluations: [{ name: "odd", score: null, error: "returned a value that cannot be read: no score yet" }] });
  });

  it("records, and has scored, the output as the task returned it, even when the task changes that object later", async () => {
    const last = { n: 0 };
    const code: UserCode = {
      task: (example) => {
        last.n = (example.input as { n: number }).n;
        return last;
      },
      evaluators: [{ name: "same", evaluate: ({ output }) => ((output as { n: number }).n === 1 ? 1 : 0) }],
    };
    const result = (await runExample(code, { ...call, example: { ...example, input: { n: 1 } } })) as ExampleResult;
    last.n = 99;
    expect(result.output).toEqual({ n: 1 });
    expect(result.evaluations[0]).toMatchObject({ name: "same", score: 1 });
  });

  it("records and has scored the same value of a getter that answers differently each time it is read", () => {
    let reads = 0;
    const task = () => ({
      get n() {
        reads++;
        return reads;
      },
    });
    const result = runExample({ task, evaluators: [{ name: "seen", evaluate: ({ output }) => (output as { n: number }).n }] }, call) as ExampleResult;
    const recorded = (result.output as { n: number }).n;
    expect(result.evaluations[0]).toMatchObject({ name: "seen", score: recorded });
  });

  it("a returned value whose `then` cannot be read (a Proxy whose trap throws) is an error saying so, not what the call threw", () => {
    const trapped = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    const task = runExample({ task: () => trapped, evaluators: [] }, call);
    expect(task).toMatchObject({ status: "error", output: null, error: "returned a value that cannot be read: trap", stack: expect.stringContaining("run-example.test.ts") });
    const evaluation = runExample({ task: () => 1, evaluators: [{ name: "odd", evaluate: () => trapped }] }, call);
    expect(evaluation).toMatchObject({ status: "ok", evaluations: [{ name: "odd", score: null, error: "returned a value that cannot be read: trap" }] });
  });

  it("hands the task's part over before the evaluators, and tells each call's start and end, in order, when all return at once", () => {
    const events: string[] = [];
    const code: UserCode = {
      task: () => void events.push("task"),
      evaluators: [
        { name: "one", evaluate: () => (events.push("one"), 1) },
        { name: "two", evaluate: () => (events.push("two"), 1) },
      ],
    };
    runExample(code, call, { enter: (phase) => void events.push(`enter ${phase}`), leave: () => void events.push("leave"), taskDone: () => void events.push("task done") });
    expect(events).toEqual(["enter 0", "task", "leave", "task done", "enter 1", "one", "leave", "enter 2", "two", "leave"]);
  });

  it("a cached output is scored at once too", () => {
    const cached = { output: { greeting: "from cache" }, storedAt: "2026-01-01T00:00:00.000Z", durationMs: 5 };
    const result = runExample({ task: () => ({ never: true }), evaluators: [{ name: "one", evaluate: ({ output }) => (output as { greeting: string }).greeting }] }, { ...call, cached });
    expect(result).toMatchObject({ output: { greeting: "from cache" }, cached: { durationMs: 5 }, evaluations: [{ label: "from cache" }] });
  });
});

describe("runExample with errors that cannot be read", () => {
  const unreadable = (field: "message" | "stack") => {
    const error = new Error("hidden");
    Object.defineProperty(error, field, {
      get() {
        throw new Error(`no ${field}`);
      },
    });
    return error;
  };

  it("records a task error whose message or stack getter throws as an error of that call, at once", () => {
    for (const field of ["message", "stack"] as const) {
      const result = runExample(
        {
          task: () => {
            throw unreadable(field);
          },
          evaluators: [],
        },
        call,
      ) as ExampleResult;
      expect(result).toMatchObject({ exampleId: "a", status: "error", output: null });
      expect(typeof result.error).toBe("string");
    }
  });

  it("records such an error thrown by an evaluator as that evaluation's error", () => {
    const result = runExample(
      {
        task: () => 1,
        evaluators: [
          {
            name: "bad",
            evaluate: () => {
              throw unreadable("stack");
            },
          },
        ],
      },
      call,
    ) as ExampleResult;
    expect(result.status).toBe("ok");
    expect(result.evaluations[0]).toMatchObject({ name: "bad", score: null, error: "hidden" });
  });
});
