import { describe, expect, it } from "vitest";
import { resultChanged, takeResultJson } from "../../../src/result-json.js";
import type { WorkerSandbox } from "../../../src/sandbox/worker-sandbox.js";
import type { ExampleResult } from "../../../src/types.js";
import { folderSandboxes } from "../../helpers/sandbox.js";

const openFolder = folderSandboxes();

// Example c's task waits on a timer: it has not finished when b's evaluator blocks the thread.
// Example "big" has an output too large for a task slot: it leaves the thread as a message instead.
const task = `export async function task(example: { id: string }) {
  if (example.id === "c") await new Promise((resolve) => setTimeout(resolve, 100));
  if (example.id === "big") return { echo: "x".repeat(40_000) };
  return { echo: example.id };
}
`;
const checks = "export const checks = () => 1;\n";
const spins = `export function spins({ example }: { example: { id: string } }) {
  if (example.id === "b" || example.id === "big") while (true) {}
  return 1;
}
`;

/** A sandbox for experiment `blocks` (task, then evaluators checks and spins), with --timeout 1000. */
function openSandbox(concurrency: number, files: Record<string, string> = { "task.ts": task, "checks.ts": checks, "spins.ts": spins }): Promise<WorkerSandbox> {
  return openFolder("blocks", files, { timeoutMs: 1000, concurrency });
}

const job = (id: string) => ({ example: { id, input: {}, output: {}, metadata: {} }, repetition: 1 });
const errors = (result: ExampleResult | null | undefined) => Object.fromEntries(result!.evaluations.map((e) => [e.name, e.error]));

describe("WorkerSandbox: an evaluator that blocks the thread", () => {
  it("keeps the task's output of that example and names the evaluator; the next examples run in a new worker", async () => {
    const sandbox = await openSandbox(1);
    expect(sandbox.evaluators).toEqual(["checks", "spins"]);
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((id) => sandbox.run(job(id))));
    expect(a).toMatchObject({
      status: "ok",
      output: { echo: "a" },
      evaluations: [
        { name: "checks", score: 1 },
        { name: "spins", score: 1 },
      ],
    });
    expect(b).toMatchObject({ exampleId: "b", status: "ok", output: { echo: "b" }, error: null });
    // checks had answered before spins blocked: its score is kept as it came out.
    expect(b!.evaluations[0]).toMatchObject({ name: "checks", score: 1, error: null });
    expect(errors(b)).toEqual({
      checks: null,
      spins: "blocked the event loop for more than 1000 ms: evaluator spins never yields on example b, so evalwire stopped it",
    });
    expect(c).toMatchObject({
      status: "ok",
      output: { echo: "c" },
      evaluations: [
        { name: "checks", score: 1 },
        { name: "spins", score: 1 },
      ],
    });
  });

  it("keeps the output of the other calls whose task had finished; a call whose task had not is stopped", async () => {
    // a's evaluator "checks" waits on a timer: a's task has finished, its evaluations have not, when b blocks.
    const waitingChecks = "export const checks = async ({ example }: { example: { id: string } }) => (example.id === 'a' ? new Promise((resolve) => setTimeout(() => resolve(1), 200)) : 1);\n";
    const sandbox = await openSandbox(3, { "task.ts": task, "checks.ts": waitingChecks, "spins.ts": spins });
    const settled: string[] = [];
    // Started in this order, one a turn (each returns a promise): c's task still waits when b blocks.
    const [c, a, b] = await Promise.all(
      ["c", "a", "b"].map((id) =>
        sandbox.run(job(id)).then((result) => {
          settled.push(id);
          return result;
        }),
      ),
    );
    // The culprit's result comes first: its error is the one a summary shows first.
    expect(settled[0]).toBe("b");
    expect(errors(b).spins).toBe("blocked the event loop for more than 1000 ms: evaluator spins never yields on example b, so evalwire stopped it");
    const bystander = "stopped: evaluator spins blocked the event loop on example b while this one was running";
    expect(a).toMatchObject({ status: "ok", output: { echo: "a" }, error: null });
    // a's spins had answered; its checks was still waiting on its timer.
    expect(errors(a)).toEqual({ checks: bystander, spins: null });
    expect(a!.evaluations[1]).toMatchObject({ name: "spins", score: 1 });
    expect(c).toMatchObject({ status: "timeout", output: null, error: bystander, evaluations: [] });
    // The new worker runs what comes next.
    expect(await sandbox.run(job("d"))).toMatchObject({ status: "ok", output: { echo: "d" }, evaluations: [{ score: 1 }, { score: 1 }] });
  });

  it("keeps an output too big for shared memory too", async () => {
    const sandbox = await openSandbox(1);
    const big = await sandbox.run(job("big"));
    expect(big).toMatchObject({ status: "ok", output: { echo: "x".repeat(40_000) }, error: null });
    // Its task part went as a message; checks' evaluation, kept in a task slot of its own.
    expect(big!.evaluations[0]).toMatchObject({ name: "checks", score: 1, error: null });
    expect(errors(big).spins).toBe("blocked the event loop for more than 1000 ms: evaluator spins never yields on example big, so evalwire stopped it");
  });
});

// A task that returns at once: each call runs to its end without an await (the worker's fast way).
describe("WorkerSandbox: code that returns at once, with an evaluator that blocks the thread", () => {
  const files = { "task.ts": "export const task = (example: { id: string }) => ({ echo: example.id });\n", "checks.ts": checks, "spins.ts": spins };

  it("one call at a time: what finished before the block is kept whole, and the calls after it run in a new worker", async () => {
    const sandbox = await openSandbox(1, files);
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((id) => sandbox.run(job(id))));
    expect(a).toMatchObject({
      status: "ok",
      output: { echo: "a" },
      evaluations: [
        { name: "checks", score: 1, error: null },
        { name: "spins", score: 1, error: null },
      ],
    });
    expect(b).toMatchObject({ status: "ok", output: { echo: "b" } });
    expect(errors(b).spins).toBe("blocked the event loop for more than 1000 ms: evaluator spins never yields on example b, so evalwire stopped it");
    expect(c).toMatchObject({ status: "ok", output: { echo: "c" }, evaluations: [{ score: 1 }, { score: 1 }] });
  });

  it("several at once: a call not yet started when one blocks runs in the new worker; one that ran keeps its output", async () => {
    const sandbox = await openSandbox(3, files);
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((id) => sandbox.run(job(id))));
    expect(a).toMatchObject({ status: "ok", output: { echo: "a" }, error: null });
    expect(errors(b).spins).toBe("blocked the event loop for more than 1000 ms: evaluator spins never yields on example b, so evalwire stopped it");
    expect(c).toMatchObject({ status: "ok", output: { echo: "c" }, evaluations: [{ score: 1 }, { score: 1 }] });
  });
});

describe("WorkerSandbox: a task output that a message cannot carry as it is", () => {
  it("sends one too big for shared memory as the JSON it is recorded as (an object with a toJSON method), and its evaluators run", async () => {
    const sandbox = await openSandbox(1, {
      "task.ts": 'export const task = () => ({ text: "x".repeat(40_000), when: { toJSON: () => "2020-01-01" } });\n',
      "checks.ts": checks,
    });
    expect(await sandbox.run(job("big"))).toMatchObject({ status: "ok", output: { text: "x".repeat(40_000), when: "2020-01-01" }, evaluations: [{ name: "checks", score: 1 }] });
  });

  it("a task output whose toJSON throws is a task error, and evaluator metadata that is not JSON an evaluator error: neither hangs the example", async () => {
    const sandbox = await openSandbox(1, {
      "task.ts": 'export const task = (example: { id: string }) => (example.id === "bad" ? { when: { toJSON() { throw new Error("toJSON refuses"); } } } : { ok: true });\n',
      "meta.ts": "export const meta = () => { const loop: Record<string, unknown> = { call: () => 1 }; loop.self = loop; return { score: 1, metadata: loop }; };\n",
    });
    expect(await sandbox.run(job("bad"))).toMatchObject({
      status: "error",
      error: "the task returned a value that is not JSON (a toJSON() that throws at .when (toJSON refuses))",
      evaluations: [],
    });
    expect(await sandbox.run(job("fine"))).toMatchObject({ status: "ok", evaluations: [{ name: "meta", score: null, error: "returned metadata that is not JSON (a function at .call)" }] });
  });
});

describe("WorkerSandbox: results come back as their JSON", () => {
  it("the run store is given the worker's JSON, which is the result's; a result changed after it came is written anew", async () => {
    const sandbox = await openSandbox(2, { "task.ts": task, "checks.ts": checks });
    const result = (await sandbox.run(job("a")))!;
    expect(result).toMatchObject({ exampleId: "a", status: "ok", output: { echo: "a" }, evaluations: [{ name: "checks", score: 1 }] });
    const made = JSON.stringify(result);
    expect(JSON.stringify(JSON.parse(made))).toBe(made);
    // The worker's JSON, not made again: a change not marked is not in it.
    result.traceId = "0af7651916cd43dd8448eb211c80319c";
    expect(takeResultJson(result)).toBe(made);
    const changed = (await sandbox.run(job("b")))!;
    changed.traceId = "0af7651916cd43dd8448eb211c80319c";
    resultChanged(changed);
    expect(JSON.parse(takeResultJson(changed))).toMatchObject({ exampleId: "b", traceId: "0af7651916cd43dd8448eb211c80319c" });
  });
});

describe("WorkerSandbox: a result as recorded, however it left the worker", () => {
  // "wide" has an output too large for a task slot: its task part goes ahead of its evaluations.
  const shapes = `export function task(example: { id: string }) {
  return { at: new Date(0), gone: undefined, zero: -0, pad: example.id === "wide" ? "p".repeat(20_000) : "" };
}
`;
  const dated = "export const dated = () => ({ score: 1, metadata: { at: new Date(0), gone: undefined } });\n";

  it("is what its JSON gives (a Date as its ISO string, no undefined fields), for a large output too", async () => {
    const sandbox = await openSandbox(2, { "task.ts": shapes, "dated.ts": dated });
    for (const id of ["narrow", "wide"]) {
      const result = (await sandbox.run(job(id)))!;
      expect(result, id).toStrictEqual(JSON.parse(JSON.stringify(result)));
      expect(result.output, id).toStrictEqual({ at: "1970-01-01T00:00:00.000Z", zero: 0, pad: id === "wide" ? "p".repeat(20_000) : "" });
      expect(Object.is((result.output as { zero: number }).zero, 0), id).toBe(true);
      expect(result.evaluations[0]!.metadata, id).toStrictEqual({ at: "1970-01-01T00:00:00.000Z" });
    }
  });
});

describe("WorkerSandbox: a result that is no longer JSON when its call ends", () => {
  // The task changes its output after returning it, while its evaluator waits: by the call's end
  // it holds a BigInt ("bigint"), or a cycle and a function ("cycle": neither JSON nor cloneable).
  const changing = `export function task(example: { id: string }) {
  const output: Record<string, unknown> = { id: example.id };
  setTimeout(() => {
    if (example.id === "bigint") output.n = 1n;
    if (example.id === "cycle") Object.assign(output, { self: output, call: () => 1 });
  }, 10);
  return output;
}
`;
  const waits = "export const waits = async () => { await new Promise((resolve) => setTimeout(resolve, 100)); return 1; };\n";
  // On "wide" (an output too large for a task slot: its task part went ahead), its metadata gets a BigInt once returned.
  const noted = `export function noted({ example }: { example: { id: string } }) {
  const metadata: Record<string, unknown> = { id: example.id };
  if (example.id === "wide") setTimeout(() => { metadata.n = 1n; }, 10);
  return { score: 1, metadata };
}
`;

  it("is that call's error, and the call ends", { timeout: 20_000 }, async () => {
    const sandbox = await openSandbox(2, { "task.ts": changing, "waits.ts": waits });
    const [bigint, cycle, fine] = await Promise.all(["bigint", "cycle", "fine"].map((id) => sandbox.run(job(id))));
    expect(bigint).toMatchObject({ exampleId: "bigint", status: "error", output: null, error: expect.stringContaining("its result is no longer JSON") });
    expect(cycle).toMatchObject({ exampleId: "cycle", status: "error", output: null, error: expect.stringContaining("its result is no longer JSON") });
    expect(takeResultJson(bigint!)).toBe(JSON.stringify(bigint));
    expect(fine).toMatchObject({ exampleId: "fine", status: "ok", output: { id: "fine" }, evaluations: [{ name: "waits", score: 1 }] });
  });

  it("in an evaluation's metadata, after the task's output went ahead, is that evaluation's error", { timeout: 20_000 }, async () => {
    const wide = "export const task = (example: { id: string }) => ({ id: example.id, pad: example.id === 'wide' ? 'p'.repeat(20_000) : '' });\n";
    const sandbox = await openSandbox(2, { "task.ts": wide, "noted.ts": noted, "waits.ts": waits });
    const result = (await sandbox.run(job("wide")))!;
    expect(result).toMatchObject({ status: "ok", output: { id: "wide", pad: "p".repeat(20_000) } });
    expect(errors(result)).toEqual({ noted: "its metadata is no longer JSON (changed after it was returned): Do not know how to serialize a BigInt", waits: null });
  });
});
