// A JSONL dataset is read as a stream (checked once, read again by the run): what a user sees when
// the file changes under a run, and that a large file runs whole.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeRun, evalwire, readResults, readRun, runDirs, useTempDirs } from "./_support.js";

const temp = useTempDirs();

function project(task: string, lines: number, pad?: string): { cwd: string; experiments: string } {
  const cwd = temp();
  const dir = join(cwd, "experiments", "stream");
  mkdirSync(dir, { recursive: true });
  const rows = Array.from({ length: lines }, (_, i) => JSON.stringify({ id: `ex-${i + 1}`, input: { n: i + 1 }, ...(pad ? { metadata: { pad } } : {}) }));
  writeFileSync(join(dir, "dataset.jsonl"), `${rows.join("\n")}\n`);
  writeFileSync(join(dir, "task.ts"), task);
  writeFileSync(join(dir, "even.ts"), "export const even = ({ output }: { output: { n: number } }) => output.n % 2 === 0;\n");
  return { cwd, experiments: join(cwd, "experiments") };
}

describe("a streamed JSONL dataset", () => {
  it("runs every example of a file larger than its 1 MB read chunk", async () => {
    const p = project("export const task = (example: { input: { n: number } }) => ({ n: example.input.n });\n", 60_000);
    const run = await evalwire(["run", "--experiments", p.experiments], p.cwd);
    expect(run.code, describeRun(run)).toBe(0);
    const results = readResults(runDirs(p.cwd)[0]!);
    expect(results).toHaveLength(60_000);
    expect(new Set(results.map((result: any) => result.exampleId)).size).toBe(60_000);
    expect(readRun(runDirs(p.cwd)[0]!).summary).toMatchObject({ planned: 60_000, completed: 60_000, evaluators: { even: { mean: 0.5 } } });
  });

  it("fails the experiment, naming the file, when it changes during the run; what finished stays recorded", async () => {
    // The task adds a line to its own dataset on its first call.
    const task = `import { appendFileSync } from "node:fs";
import { join } from "node:path";
let first = true;
export function task(example: { input: { n: number } }) {
  if (first) appendFileSync(join(import.meta.dirname, "dataset.jsonl"), '{"id":"late","input":{"n":0}}\\n');
  first = false;
  return { n: example.input.n };
}
`;
    // More examples than the engine asks for ahead of the first call, so the file is still being read.
    const p = project(task, 3000);
    const run = await evalwire(["run", "--experiments", p.experiments], p.cwd);
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.all).toMatch(/experiments\/stream\/dataset\.jsonl changed while the run read it; run again/);
    const dir = runDirs(p.cwd)[0]!;
    expect(readRun(dir)).toMatchObject({ status: "failed" });
    expect(readResults(dir).length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ["the worker parses it", ["--example-concurrency", "1"]],
    ["--cache reads it for its key", ["--cache", "--example-concurrency", "1"]],
    ["the worker parses it, 8 calls at once, 2 repetitions", ["--example-concurrency", "8", "--repetitions", "2"]],
  ])("stops the run, saying the file changed, when a line it reads later stops being JSON (%s)", async (_how, flags) => {
    // The task breaks a line past the first 1 MB read chunk, in place, on its first call.
    const task = `import { openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
let first = true;
export function task(example: { input: { n: number } }) {
  if (first) {
    const file = join(import.meta.dirname, "dataset.jsonl");
    const at = readFileSync(file, "utf8").indexOf('{"id":"ex-1500",');
    writeSync(openSync(file, "r+"), '{"id":"ex-1500","input":{"n":XXXX', at);
  }
  first = false;
  return { n: example.input.n };
}
`;
    const p = project(task, 2000, "p".repeat(1000));
    const run = await evalwire(["run", "--experiments", p.experiments, ...flags], p.cwd);
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.all).toMatch(/experiments\/stream\/dataset\.jsonl changed while the run read it; run again/);
    expect(run.all).not.toMatch(/not valid JSON/);
    const results = readResults(runDirs(p.cwd)[0]!);
    expect(readRun(runDirs(p.cwd)[0]!)).toMatchObject({ status: "failed", summary: { completed: results.length } });
    const calls = results.map((result) => `${result.exampleId}#${result.repetition}`);
    expect(new Set(calls).size).toBe(calls.length);
    // No call is made for the broken line, and none after it: those sent ahead to the worker are not started.
    const ids = results.map((result) => result.exampleId);
    expect(ids).not.toContain("ex-1500");
    expect(Math.max(...ids.map((id: string) => Number(id.slice(3))))).toBeLessThan(1500);
  });

  it.each([
    ["--cache reads a line for its key", ["--cache"], 1500],
    ["a line added is found after the last one checked", [], 300],
  ])("starts none of the calls sent ahead to the worker once the main thread finds the file changed (%s)", async (_how, flags, at) => {
    // One call at a time: the engine keeps 257 asked for (1 running, 256 sent ahead to the worker),
    // so the example 257 after a call is read on the main thread when that call ends. The first
    // call breaks ex-1500 in place (past the first 1 MB read), or adds a line to a 300-line file.
    // The calls near the change wait a little, as a model's would.
    const task = `import { appendFileSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
let first = true;
export async function task(example: { input: { n: number } }) {
  if (first) {
    const file = join(import.meta.dirname, "dataset.jsonl");
    if (${at} === 1500) writeSync(openSync(file, "r+"), '{"id":"ex-1500","input":{"n":XXXX', readFileSync(file, "utf8").indexOf('{"id":"ex-1500",'));
    else appendFileSync(file, '{"id":"late","input":{"n":0}}\\n');
  }
  first = false;
  if (example.input.n > ${at} - 300) await new Promise((resolve) => setTimeout(resolve, 20));
  return { n: example.input.n };
}
`;
    const p = project(task, at === 1500 ? 2000 : 300, at === 1500 ? "p".repeat(1000) : undefined);
    const run = await evalwire(["run", "--experiments", p.experiments, ...flags, "--example-concurrency", "1"], p.cwd);
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.all).toMatch(/experiments\/stream\/dataset\.jsonl changed while the run read it; run again/);
    const ids = readResults(runDirs(p.cwd)[0]!).map((result) => result.exampleId);
    expect(ids).not.toContain("late");
    // The change is found when the call 257 before it ends; a call or two more may start meanwhile.
    expect(Math.max(...ids.map((id: string) => Number(id.slice(3))))).toBeLessThan(at - 200);
  });
});
