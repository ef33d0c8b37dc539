import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { flatJobs, jobsOfFlat, type WorkerJob } from "../../../src/sandbox/protocol.js";

const example = { id: "e1", input: { q: "a" }, output: { a: 1 }, metadata: {} };
const cached = { output: { text: "kept" }, storedAt: "2026-11-30T17:00:00.000Z", durationMs: 812 };

describe("calls as they cross to the worker", () => {
  it("come back as sent: a line, an example, with and without retries and a cached output", () => {
    const jobs: WorkerJob[] = [
      { seq: 1, repetition: 1, id: "e1", line: '{"id":"e1","input":{"q":"a"}}' },
      { seq: 2, repetition: 2, example },
      { seq: 3, repetition: 1, retries: 2, id: "e3", line: '{"id":"e3","input":{}}' },
      { seq: 4, repetition: 1, cached, example },
      { seq: 5, repetition: 3, retries: 1, cached, id: "e5", line: "{}" },
    ];
    const flat = flatJobs(jobs);
    expect(flat).toHaveLength(jobs.length * 5);
    expect(jobsOfFlat(structuredClone(flat))).toEqual(jobs);
  });

  it("keep their order and fields for any mix of calls", () => {
    const job = fc.oneof(
      fc.record({ repetition: fc.nat(), id: fc.string(), line: fc.string() }, { requiredKeys: ["repetition", "id", "line"] }),
      fc.record({ repetition: fc.nat(), example: fc.constant(example) }),
    );
    const options = fc.record({ retries: fc.integer({ min: 1, max: 5 }), cached: fc.constant(cached) }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(fc.tuple(job, options), { maxLength: 20 }), (drawn) => {
        const jobs = drawn.map(([call, extra], index) => ({ seq: index + 1, ...call, ...extra }) as WorkerJob);
        expect(jobsOfFlat(structuredClone(flatJobs(jobs)))).toEqual(jobs);
      }),
    );
  });
});
