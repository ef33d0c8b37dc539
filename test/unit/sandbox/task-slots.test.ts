import { describe, expect, it } from "vitest";
import type { CallInSlot, TaskPart } from "../../../src/sandbox/task-slots.js";
import { readTaskSlots, TaskSlots, taskSlotsBuffer } from "../../../src/sandbox/task-slots.js";
import type { Evaluation } from "../../../src/types.js";

const part = (output: unknown): TaskPart => ({ output, startedAt: "2026-11-30T17:00:00.000Z", durationMs: 1.5 });
const inSlot = (task: TaskPart | null, evaluations: Evaluation[] = []): CallInSlot => ({ task, evaluations });
const taskOf = (found: Map<number, unknown>, seq: number) => (found.get(seq) as CallInSlot).task;
const scored = (name: string, score: number, explanation: string | null = null): Evaluation => ({ name, score, label: null, explanation, error: null, durationMs: 0.25 });

describe("task slots", () => {
  it("give the main thread the task parts of the calls it asks for, as written", () => {
    const buffer = taskSlotsBuffer(3);
    const slots = new TaskSlots(buffer);
    expect(slots.write(7, part({ text: "héllo ✓" }))).toBeGreaterThanOrEqual(0);
    expect(slots.write(8, part([1, 2]))).toBeGreaterThanOrEqual(0);
    const found = readTaskSlots(buffer, new Set([7, 8, 9]));
    expect([...found.keys()].sort()).toEqual([7, 8]);
    expect(found.get(7)).toEqual(inSlot(part({ text: "héllo ✓" })));
    expect(taskOf(readTaskSlots(buffer, new Set([8])), 8)!.output).toEqual([1, 2]);
  });

  it("keep a task's attempts and a cached output's origin", () => {
    const buffer = taskSlotsBuffer(2);
    const slots = new TaskSlots(buffer);
    const retried: TaskPart = {
      ...part("ok at last"),
      attempts: [
        { attempt: 1, error: "HTTP 429", status: 429, retriedBecause: "HTTP 429", waitedMs: 250 },
        { attempt: 2, error: null, status: null, retriedBecause: null, waitedMs: 0 },
      ],
    };
    const cached: TaskPart = { ...part({ from: "cache" }), durationMs: 0, cached: { storedAt: "2026-11-29T00:00:00.000Z", durationMs: 812 } };
    slots.write(1, retried);
    slots.write(2, cached);
    const found = readTaskSlots(buffer, new Set([1, 2]));
    expect(found.get(1)).toEqual(inSlot(retried));
    expect(found.get(2)).toEqual(inSlot(cached));
  });

  it("say so (-1) when every slot is taken, and take one again once released", () => {
    const buffer = taskSlotsBuffer(2);
    const slots = new TaskSlots(buffer);
    expect(slots.free).toBe(2);
    const first = slots.write(1, part(1));
    slots.write(2, part(2));
    expect(slots.free).toBe(0);
    expect(slots.write(3, part(3))).toBe(-1);
    slots.release(first);
    expect(slots.free).toBe(1);
    // A released slot no longer answers for its call.
    expect(readTaskSlots(buffer, new Set([1])).size).toBe(0);
    expect(slots.write(3, part(3))).toBe(first);
    expect(taskOf(readTaskSlots(buffer, new Set([1, 2, 3])), 3)!.output).toBe(3);
  });

  it("say so (-1) for a task part too big for a slot, and keep that slot free", () => {
    const buffer = taskSlotsBuffer(1);
    const slots = new TaskSlots(buffer);
    expect(slots.write(1, part("x".repeat(20_000)))).toBe(-1);
    expect(slots.free).toBe(1);
    expect(readTaskSlots(buffer, new Set([1])).size).toBe(0);
    expect(slots.write(2, part("small"))).toBe(0);
  });

  it("hold a call's whole result once it ended, in its task part's slot; one that does not fit or is not JSON leaves the task part", () => {
    const buffer = taskSlotsBuffer(2);
    const slots = new TaskSlots(buffer);
    const result = {
      exampleId: "e1",
      repetition: 1,
      status: "ok" as const,
      output: "done ✓",
      error: null,
      startedAt: "2026-11-30T17:00:00.000Z",
      durationMs: 1.5,
      evaluations: [{ name: "length", score: 1, label: null, explanation: null, error: null, durationMs: 0.1 }],
    };
    const index = slots.write(1, part("done ✓"));
    expect(slots.writeResult(1, JSON.stringify(result), index)).toBe(index);
    expect(readTaskSlots(buffer, new Set([1])).get(1)).toEqual({ whole: result });
    // No task part before (no evaluators): a free slot.
    expect(slots.writeResult(2, JSON.stringify({ ...result, exampleId: "e2", evaluations: [] }), -1)).toBeGreaterThanOrEqual(0);
    expect(readTaskSlots(buffer, new Set([2])).get(2)).toEqual({ whole: { ...result, exampleId: "e2", evaluations: [] } });
    slots.release(index);
    const kept = slots.write(3, part("short"));
    expect(slots.writeResult(3, JSON.stringify({ ...result, output: "é".repeat(9_000) }), kept)).toBe(-1);
    expect(readTaskSlots(buffer, new Set([3])).get(3)).toEqual(inSlot(part("short")));
  });

  it("keep the evaluations that answered after a call's task part, until its whole result replaces them", () => {
    const buffer = taskSlotsBuffer(2);
    const slots = new TaskSlots(buffer);
    const index = slots.write(1, { ...part("out ✓"), attempts: [{ attempt: 1, error: null, status: null, retriedBecause: null, waitedMs: 0 }] });
    expect(slots.addEvaluation(1, JSON.stringify(scored("a", 0.5, "naïve ✓")), index)).toBe(index);
    expect(slots.addEvaluation(1, JSON.stringify(scored("b", 1)), index)).toBe(index);
    const found = readTaskSlots(buffer, new Set([1])).get(1) as CallInSlot;
    expect(found.task!.output).toBe("out ✓");
    expect(found.evaluations).toEqual([scored("a", 0.5, "naïve ✓"), scored("b", 1)]);
    // The slot taken again by another call starts with none.
    slots.release(index);
    const again = slots.write(2, part("next"));
    expect(readTaskSlots(buffer, new Set([2])).get(2)).toEqual(inSlot(part("next")));
    slots.addEvaluation(2, JSON.stringify(scored("a", 0)), again);
    const whole = {
      exampleId: "e2",
      repetition: 1,
      status: "ok" as const,
      output: "next",
      error: null,
      startedAt: part("").startedAt,
      durationMs: 1,
      evaluations: [scored("a", 0), scored("b", 0)],
    };
    slots.writeResult(2, JSON.stringify(whole), again);
    expect(readTaskSlots(buffer, new Set([2])).get(2)).toEqual({ whole });
  });

  it("keep the evaluations of a call whose task part went as a message in a free slot; -1 when none is free or one does not fit", () => {
    const buffer = taskSlotsBuffer(1);
    const slots = new TaskSlots(buffer);
    const index = slots.addEvaluation(4, JSON.stringify(scored("a", 1)), -1);
    expect(index).toBe(0);
    expect(slots.free).toBe(0);
    expect(readTaskSlots(buffer, new Set([4])).get(4)).toEqual(inSlot(null, [scored("a", 1)]));
    expect(slots.addEvaluation(5, JSON.stringify(scored("a", 1)), -1)).toBe(-1);
    // Too big for what is left: the evaluations before it stay as they were.
    expect(slots.addEvaluation(4, JSON.stringify(scored("b", 1, "x".repeat(17_000))), index)).toBe(-1);
    expect(readTaskSlots(buffer, new Set([4])).get(4)).toEqual(inSlot(null, [scored("a", 1)]));
    slots.release(index);
    expect(slots.addEvaluation(6, JSON.stringify(scored("b", 1, "x".repeat(17_000))), -1)).toBe(-1);
    expect(slots.free).toBe(1);
  });
});
