import { describe, expect, it } from "vitest";
import { LineExample } from "../../../src/datasets/line-example.js";
import type { Job } from "../../../src/engine/ports.js";
import type { WorkerSandbox } from "../../../src/sandbox/worker-sandbox.js";
import { folderSandboxes } from "../../helpers/sandbox.js";

// Calls and answers cross threads as flat arrays (seq, value, seq, value, ...): every kind of call
// and answer is mixed here in the same messages, and each answer must reach its own call.

const openFolder = folderSandboxes();

// "wide-*" outputs are too large for a task slot (their task part goes ahead of their evaluations);
// "throws-*" tasks fail; "late-*" tasks end after a timer, the rest at once.
const task = `export async function task(example: { id: string; input: { n?: number } }) {
  if (example.id.startsWith("throws")) throw new Error("no " + example.id);
  if (example.id.startsWith("late")) await new Promise((resolve) => setTimeout(resolve, 5));
  return { id: example.id, n: example.input.n ?? null, pad: example.id.startsWith("wide") ? "w".repeat(20_000) : "" };
}
`;
const echoes = `export function echoes({ example, output }: { example: { id: string }; output: { id?: string } | null }) {
  return { score: 1, label: example.id, metadata: { saw: output?.id ?? null } };
}
`;

function openSandbox(concurrency: number): Promise<WorkerSandbox> {
  return openFolder("mixed", { "task.ts": task, "echoes.ts": echoes }, { timeoutMs: 5000, concurrency });
}

const kinds = ["plain", "wide", "throws", "late", "cached", "line"] as const;

/** Call `index`: each kind in turn, some with retries. */
function jobOf(index: number): Job {
  const kind = kinds[index % kinds.length]!;
  const id = `${kind}-${index}`;
  const job: Job =
    kind === "line"
      ? { example: new LineExample(id, JSON.stringify({ input: { n: index } }), "dataset.jsonl"), repetition: 1 + (index % 3) }
      : { example: { id, input: { n: index }, output: {}, metadata: {} }, repetition: 1 + (index % 3) };
  if (index % 4 === 1) job.retries = 2;
  if (kind === "cached") job.cached = { output: { id, n: index, pad: "" }, storedAt: "2026-12-01T00:00:00.000Z", durationMs: 7 };
  return job;
}

describe("WorkerSandbox: many calls of every kind in flight at once", () => {
  for (const concurrency of [1, 8]) {
    it(`each gets its own answer (concurrency ${concurrency})`, { timeout: 30_000 }, async () => {
      const sandbox = await openSandbox(concurrency);
      const jobs = Array.from({ length: 120 }, (_, index) => jobOf(index));
      const results = await Promise.all(jobs.map((job) => sandbox.run(job)));
      for (const [index, result] of results.entries()) {
        const { id } = jobs[index]!.example;
        expect(result, id).toMatchObject({ exampleId: id, repetition: jobs[index]!.repetition });
        if (id.startsWith("throws")) {
          expect(result, id).toMatchObject({ status: "error", error: `no ${id}`, evaluations: [] });
          continue;
        }
        expect(result, id).toMatchObject({ status: "ok", output: { id, n: index }, evaluations: [{ name: "echoes", score: 1, label: id, metadata: { saw: id } }] });
        expect((result!.output as { pad: string }).pad.length, id).toBe(id.startsWith("wide") ? 20_000 : 0);
        if (id.startsWith("cached")) expect(result!.cached, id).toEqual({ storedAt: "2026-12-01T00:00:00.000Z", durationMs: 7 });
      }
    });
  }

  it("a line that no longer parses stops the run: its call fails, the calls after it get no answer, those before keep theirs", { timeout: 30_000 }, async () => {
    const sandbox = await openSandbox(1);
    const jobs = Array.from({ length: 30 }, (_, index) => jobOf(index));
    jobs[15] = { example: new LineExample("line-15", "{not json", "dataset.jsonl"), repetition: 1 };
    const settled = await Promise.allSettled(jobs.map((job) => sandbox.run(job)));
    expect(settled[15]).toMatchObject({ status: "rejected", reason: { message: expect.stringContaining("dataset.jsonl") } });
    for (const [index, outcome] of settled.entries()) {
      if (index === 15) continue;
      expect(outcome.status, jobs[index]!.example.id).toBe("fulfilled");
      const result = (outcome as PromiseFulfilledResult<unknown>).value;
      if (index > 15) expect(result, jobs[index]!.example.id).toBeNull();
      else expect(result, jobs[index]!.example.id).toMatchObject({ exampleId: jobs[index]!.example.id });
    }
  });
});
