import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExperimentRunner, ExperimentsFailedError, UsageError, type ExampleResult, type RunListener } from "../../src/index.js";
import { readResults, tempDir } from "../helpers/cli.js";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});

function experiments(folders: Record<string, Record<string, string>>): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  for (const [folder, files] of Object.entries(folders)) {
    mkdirSync(join(dir, "experiments", folder), { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, "experiments", folder, name), content);
  }
  return dir;
}

const dataset = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: `e${i}`, input: { n: i }, output: { n: i * 2 } })).join("\n");

describe("ExperimentRunner (library API)", () => {
  it("runs each experiment, pipelining evaluators after each task, and resolves with one result each", async () => {
    const dir = experiments({
      double: {
        "task.ts": "export const task = (example: { input: { n: number } }) => ({ n: example.input.n * 2 });",
        "correct.ts": "export default ({ output, expected }: any) => output.n === expected.n;",
        "dataset.jsonl": dataset(5),
      },
    });
    const seen: ExampleResult[] = [];
    const listener: RunListener = { onResult: (_info, result) => void seen.push(result) };
    const exit = vi.spyOn(process, "exit");
    const results = await new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs"), listeners: [listener] }).run({
      experimentNamePrefix: "lib",
      metadata: { build: 7 },
    });
    expect(exit).not.toHaveBeenCalled();
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ experiment: "double", status: "passed", planned: 5, completed: 5, taskErrors: 0, evaluators: { correct: { mean: 1, scored: 5, errors: 0 } } });
    expect(results[0]!.name).toMatch(/^lib_double_\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(seen.map((r) => r.evaluations[0]!.label)).toEqual(["pass", "pass", "pass", "pass", "pass"]);
    expect(readResults(results[0]!.runPath!)).toHaveLength(5);
  });

  it("rejects with every experiment's result when one fails, after running all of them", async () => {
    const dir = experiments({
      a_broken: { "task.ts": "export const nothing = 1;", "dataset.jsonl": dataset(1) },
      b_fine: { "task.ts": "export const task = () => 1;", "dataset.jsonl": dataset(2) },
    });
    const error = await new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs") }).run().catch((e) => e);
    expect(error).toBeInstanceOf(ExperimentsFailedError);
    expect(error.exitCode).toBe(1);
    const results = (error as ExperimentsFailedError).results;
    expect(results.map((r) => [r.experiment, r.status])).toEqual([["a_broken", "failed"], ["b_fine", "passed"]]);
    expect(results[0]!.failure).toMatch(/task.ts: exports no task named "task" and no default export \(found: nothing\)/);
    expect(results[1]!.completed).toBe(2);
  });

  it("records any thrown value as that example's error, even one that is not JSON", async () => {
    const dir = experiments({
      odd: {
        "task.ts": `export const task = (example: any) => {
          if (example.input.n === 0) throw 10n;
          const cycle: any = { name: "cycle" }; cycle.self = cycle;
          if (example.input.n === 1) throw cycle;
          throw { code: 42 };
        };`,
        "dataset.jsonl": dataset(3),
      },
    });
    const error = (await new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs") }).run().catch((e) => e)) as ExperimentsFailedError;
    expect(error.results[0]).toMatchObject({ status: "failed", completed: 3, taskErrors: 3 });
    expect(readResults(error.results[0]!.runPath!).map((r) => r.error)).toEqual(["threw [object BigInt] 10n", "threw [object Object]", 'threw {"code":42}']);
  });

  it("runs examples concurrently up to exampleConcurrency, never more", async () => {
    const dir = experiments({
      slow: {
        "task.ts": `let now = 0; export let peak = 0;
          export const task = async () => { now++; (globalThis as any).peak = Math.max((globalThis as any).peak ?? 0, now); await new Promise((r) => setTimeout(r, 20)); now--; return (globalThis as any).peak; };`,
        "dataset.jsonl": dataset(12),
      },
    });
    const results: ExampleResult[] = [];
    await new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs"), exampleConcurrency: 3, listeners: [{ onResult: (_i, r) => void results.push(r) }] }).run();
    expect(Math.max(...results.map((r) => r.output as number))).toBe(3);
  });

  it("stops when its signal aborts: in-flight tasks see the abort, finished results are kept", async () => {
    const dir = experiments({
      hang: {
        "task.ts": `export const task = (example: any, ctx: any) => example.input.n < 2 ? "quick" : new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("aborted"))));`,
        "dataset.jsonl": dataset(4),
      },
    });
    const controller = new AbortController();
    const runner = new ExperimentRunner({
      experimentsDir: join(dir, "experiments"),
      runsDir: join(dir, "runs"),
      exampleConcurrency: 1,
      signal: controller.signal,
      listeners: [{ onResult: (_i, r) => r.exampleId === "e1" && setTimeout(() => controller.abort(), 50) }],
    });
    const error = (await runner.run().catch((e) => e)) as ExperimentsFailedError;
    expect(error.exitCode).toBe(130);
    expect(error.results[0]).toMatchObject({ status: "interrupted", completed: 2, planned: 4 });
    expect(readResults(error.results[0]!.runPath!).map((r) => r.exampleId)).toEqual(["e0", "e1"]);
  });

  it("hears an interrupt even when tasks never await I/O", async () => {
    const dir = experiments({ busy: { "task.ts": "export const task = () => 1;", "dataset.jsonl": dataset(100_000) } });
    const controller = new AbortController();
    let armed = false;
    // The timer is set once examples are running: it can only fire if the engine lets the event loop turn.
    const listener: RunListener = {
      onResult: () => {
        if (!armed) setTimeout(() => controller.abort(), 50);
        armed = true;
      },
    };
    const error = (await new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs"), signal: controller.signal, listeners: [listener] })
      .run()
      .catch((e) => e)) as ExperimentsFailedError;
    expect(error).toBeInstanceOf(ExperimentsFailedError);
    expect(error.results[0]!.status).toBe("interrupted");
    expect(error.results[0]!.completed).toBeGreaterThan(0);
    expect(error.results[0]!.completed).toBeLessThan(100_000);
    expect(readResults(error.results[0]!.runPath!)).toHaveLength(error.results[0]!.completed);
  });

  it("hears an interrupt between two long synchronous tasks, even with many in flight", async () => {
    const dir = experiments({
      busy: { "task.ts": "export const task = () => { const end = Date.now() + 100; while (Date.now() < end); return 1; };", "dataset.jsonl": dataset(30) },
    });
    const controller = new AbortController();
    let armed = false;
    const listener: RunListener = {
      onResult: () => {
        if (!armed) setTimeout(() => controller.abort(), 20);
        armed = true;
      },
    };
    const error = (await new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs"), exampleConcurrency: 10, signal: controller.signal, listeners: [listener] })
      .run()
      .catch((e) => e)) as ExperimentsFailedError;
    expect(error.results[0]!.status).toBe("interrupted");
    // Without yielding between calls, the ten in flight would all run before the abort is heard.
    expect(error.results[0]!.completed).toBeLessThanOrEqual(4);
  });

  it("gives evaluators a signal that aborts on timeout, and records their metadata", async () => {
    const dir = experiments({
      judged: {
        "task.ts": "export const task = () => 'answer';",
        "slow_judge.ts": `export const slow_judge = ({ signal }: { signal: AbortSignal }) => new Promise((_, reject) =>
          signal.addEventListener("abort", () => { (globalThis as any).judgeCancelled = true; reject(new Error("cancelled")); }));`,
        "explained.ts": "export default () => ({ score: 0.5, metadata: { model: 'tiny' } });",
        "dataset.jsonl": dataset(1),
      },
    });
    const error = (await new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs"), timeoutMs: 50 }).run().catch((e) => e)) as ExperimentsFailedError;
    expect((globalThis as any).judgeCancelled).toBe(true);
    const [result] = readResults(error.results[0]!.runPath!);
    expect(result.evaluations).toEqual([
      expect.objectContaining({ name: "explained", score: 0.5, metadata: { model: "tiny" }, error: null }),
      expect.objectContaining({ name: "slow_judge", score: null, error: "timed out after 50 ms" }),
    ]);
  });

  it("checks its own options as the CLI checks flags", async () => {
    const dir = experiments({ only: { "task.ts": "export const task = () => 1;", "dataset.jsonl": dataset(1) } });
    const run = (options: object, runOptions: object = {}) =>
      new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs"), ...options }).run(runOptions);
    await expect(run({ concurrency: 0 })).rejects.toThrow("concurrency takes a whole number from 1 up (got 0)");
    await expect(run({ exampleConcurrency: 1.5 })).rejects.toThrow("exampleConcurrency takes a whole number from 1 up (got 1.5)");
    await expect(run({ repetitions: 0 })).rejects.toThrow("repetitions takes a whole number from 1 up (got 0)");
    await expect(run({ timeoutMs: -1 })).rejects.toThrow("timeoutMs takes a whole number from 0 up (got -1)");
    await expect(run({}, { experimentNamePrefix: "../../escaped" })).rejects.toThrow(/experimentNamePrefix must not contain \//);
  });

  it("reports usage errors before any work", async () => {
    const dir = experiments({ only: { "task.ts": "export const task = () => 1;", "dataset.jsonl": dataset(1) } });
    const runner = new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs") });
    await expect(runner.run({ names: ["other"] })).rejects.toThrow(UsageError);
    await expect(runner.run({ names: ["other"] })).rejects.toThrow('unknown experiment "other" (--name); known: only');
    await expect(new ExperimentRunner({ experimentsDir: join(dir, "nowhere") }).run()).rejects.toThrow(/experiments folder not found/);
    await expect(new ExperimentRunner({ experimentsDir: join(dir, "experiments"), dryRun: 0 }).run()).rejects.toThrow(/dryRun takes a whole number from 1 up/);
  });
});
