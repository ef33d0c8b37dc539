import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DoneCalls } from "../../src/engine/done-calls.js";

describe("DoneCalls", () => {
  it("holds exactly the (example, repetition) calls added, as a Set of both would", () => {
    const call = fc.tuple(fc.constantFrom("a", "b", "ex-1", "ex-1\u00001", "é"), fc.integer({ min: 1, max: 40 }));
    fc.assert(
      fc.property(fc.array(call, { maxLength: 200 }), fc.array(call, { maxLength: 50 }), (added, probes) => {
        const done = new DoneCalls();
        const set = new Set<string>();
        for (const [id, repetition] of added) expect(done.add(id, repetition)).toBe(!set.has(`${id}#${repetition}`) && set.add(`${id}#${repetition}`) !== undefined);
        expect(done.size).toBe(set.size);
        for (const [id, repetition] of [...added, ...probes]) expect(done.has(id, repetition)).toBe(set.has(`${id}#${repetition}`));
      }),
    );
  });

  it("tells repetition 32 from 33 and 1 from 2", () => {
    const done = new DoneCalls();
    done.add("x", 32);
    done.add("x", 1);
    expect([1, 2, 31, 32, 33].map((repetition) => done.has("x", repetition))).toEqual([true, false, false, true, false]);
  });
});
