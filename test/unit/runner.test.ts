import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ExampleResult, type ExperimentInfo, ExperimentRunner, type RunListener, UsageError } from "../../src/index.js";
import { readResults, readRun, tempDir } from "../helpers/cli.js";

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
    const started: ExperimentInfo[] = [];
    const listener: RunListener = { onResult: (_info, result) => void seen.push(result), onExperimentStart: (info) => void started.push(info) };
    const exit = vi.spyOn(process, "exit");
    const run = await new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs"), listeners: [listener] }).run({
      experimentNamePrefix: "lib",
      metadata: { build: 7 },
    });
    expect(exit).not.toHaveBeenCalled();
    expect(run).toMatchObject({ status: "passed", exitCode: 0 });
    expect(started).toEqual([{ experiment: "double", dataset: "double", planned: 5, evaluators: ["correct"] }]);
    const results = run.experiments;
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ experiment: "double", status: "passed", planned: 5, completed: 5, taskErrors: 0, evaluators: { correct: { mean: 1, scored: 5, errors: 0 } } });
    expect(results[0]!.name).toMatch(/^lib_double_\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(seen.map((r) => r.evaluations[0]!.label)).toEqual(["pass", "pass", "pass", "pass", "pass"]);
    expect(readResults(results[0]!.runPath!)).toHaveLength(5);
  });

  it("resolves with every experiment's result when one fails, after running all of them: no try/catch needed", async () => {
    const dir = experiments({
      a_broken: { "task.ts": "export const nothing = 1;", "dataset.jsonl": dataset(1) },
      b_fine: { "task.ts": "export const task = () => 1;", "dataset.jsonl": dataset(2) },
    });
    const run = await new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs") }).run();
    expect(run).toMatchObject({ status: "failed", exitCode: 1 });
    const results = run.experiments;
    expect(results.map((r) => [r.experiment, r.status])).toEqual([
      ["a_broken", "failed"],
      ["b_fine", "passed"],
    ]);
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
    const {
      experiments: [result],
    } = await new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs") }).run();
    expect(result).toMatchObject({ status: "failed", completed: 3, taskErrors: 3 });
    expect(readResults(result!.runPath!).map((r) => r.error)).toEqual(["threw [object BigInt] 10n", "threw [object Object]", 'threw {"code":42}']);
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
    const run = await runner.run();
    expect(run).toMatchObject({ status: "interrupted", exitCode: 130 });
    expect(run.experiments[0]).toMatchObject({ status: "interrupted", completed: 2, planned: 4 });
    expect(readResults(run.experiments[0]!.runPath!).map((r) => r.exampleId)).toEqual(["e0", "e1"]);
  });

  it("ends promptly when its signal aborts while a task blocks its thread forever, keeping what finished", async () => {
    const dir = experiments({
      busy: { "task.ts": "export const task = (example: any) => { if (example.input.n === 3) while (true) {} return 1; };", "dataset.jsonl": dataset(6) },
    });
    const controller = new AbortController();
    const listener: RunListener = { onResult: (_i, r) => void (r.exampleId === "e2" && setTimeout(() => controller.abort(), 100)) };
    const started = Date.now();
    const run = await new ExperimentRunner({
      experimentsDir: join(dir, "experiments"),
      runsDir: join(dir, "runs"),
      exampleConcurrency: 1,
      timeoutMs: 0,
      signal: controller.signal,
      listeners: [listener],
    }).run();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.experiments[0]).toMatchObject({ status: "interrupted", completed: 3 });
    expect(readResults(run.experiments[0]!.runPath!).map((r) => r.exampleId)).toEqual(["e0", "e1", "e2"]);
  });

  it("a listener that throws is a warning to the others, and the run and its records still finish", async () => {
    const dir = experiments({ only: { "task.ts": "export const task = () => 1;", "fine.ts": "export default () => 1;", "dataset.jsonl": dataset(3) } });
    const warnings: string[] = [];
    class BrokenReporter implements RunListener {
      onResult(): void {
        throw new Error("cannot draw");
      }
      async onRunEnd(): Promise<void> {
        throw new Error("cannot write the report");
      }
    }
    const run = await new ExperimentRunner({
      experimentsDir: join(dir, "experiments"),
      runsDir: join(dir, "runs"),
      listeners: [new BrokenReporter(), { onWarning: (message) => void warnings.push(message) }],
    }).run();
    expect(run.status).toBe("passed");
    expect(warnings).toEqual(["reporter BrokenReporter failed in onResult: cannot draw", "reporter BrokenReporter failed in onRunEnd: cannot write the report"]);
    expect(readRun(run.experiments[0]!.runPath!).status).toBe("passed");
    expect(readResults(run.experiments[0]!.runPath!)).toHaveLength(3);
  });

  it("gives evaluators a signal that aborts on timeout, and records their metadata", async () => {
    const dir = experiments({
      judged: {
        "task.ts": "export const task = () => 'answer';",
        "slow_judge.ts": `import { writeFileSync } from "node:fs";
          export const slow_judge = ({ signal }: { signal: AbortSignal }) => new Promise((_, reject) =>
          signal.addEventListener("abort", () => { writeFileSync(new URL("./cancelled", import.meta.url), "yes"); reject(new Error("cancelled")); }));`,
        "explained.ts": "export default () => ({ score: 0.5, metadata: { model: 'tiny' } });",
        "dataset.jsonl": dataset(1),
      },
    });
    const run = await new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs"), timeoutMs: 500 }).run();
    // The worker writes the file as the signal aborts; on a loaded machine that can land a little later.
    const cancelled = join(dir, "experiments", "judged", "cancelled");
    for (let waited = 0; !existsSync(cancelled) && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(cancelled)).toBe(true);
    const [result] = readResults(run.experiments[0]!.runPath!);
    expect(result.evaluations).toEqual([
      expect.objectContaining({ name: "explained", score: 0.5, metadata: { model: "tiny" }, error: null }),
      expect.objectContaining({ name: "slow_judge", score: null, error: "timed out after 500 ms" }),
    ]);
  });

  it("checks its own options as the CLI checks flags", async () => {
    const dir = experiments({ only: { "task.ts": "export const task = () => 1;", "dataset.jsonl": dataset(1) } });
    const run = (options: object, runOptions: object = {}) => new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs"), ...options }).run(runOptions);
    await expect(run({ concurrency: 0 })).rejects.toThrow("concurrency takes a whole number from 1 up (got 0)");
    await expect(run({ exampleConcurrency: 1.5 })).rejects.toThrow("exampleConcurrency takes a whole number from 1 up (got 1.5)");
    await expect(run({ repetitions: 0 })).rejects.toThrow("repetitions takes a whole number from 1 up (got 0)");
    await expect(run({ timeoutMs: -1 })).rejects.toThrow("timeoutMs takes a whole number from 0 to 2147483647 (got -1)");
    await expect(run({ timeoutMs: 2 ** 31 })).rejects.toThrow("timeoutMs takes a whole number from 0 to 2147483647 (got 2147483648)");
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
