import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeSelection, ExampleSelector, sampleRank, selectExamples } from "../../src/datasets/selection.js";

const examples = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `ex-${i + 1}` }));
const ids = (chosen: { id: string }[]) => chosen.map((example) => example.id);

describe("selectExamples", () => {
  it("--limit takes the first N, reads one past them at most, and is partial only when some are left out", () => {
    let read = 0;
    function* counted() {
      for (const example of examples(1000)) {
        read++;
        yield example;
      }
    }
    const limited = selectExamples(counted(), { kind: "limit", count: 3 });
    expect(ids(limited.examples)).toEqual(["ex-1", "ex-2", "ex-3"]);
    expect(limited.partial).toBe(true);
    expect(read).toBe(4);
    expect(selectExamples(examples(3), { kind: "limit", count: 3 }).partial).toBe(false);
    expect(selectExamples(examples(2), { kind: "limit", count: 3 })).toMatchObject({ partial: false, total: 2 });
  });

  it("--example takes the named examples in dataset order, and names those the dataset lacks", () => {
    const chosen = selectExamples(examples(10), { kind: "ids", ids: ["ex-7", "ex-2", "nope", "ex-7"] });
    expect(ids(chosen.examples)).toEqual(["ex-2", "ex-7"]);
    expect(chosen.missing).toEqual(["nope"]);
    expect(chosen).toMatchObject({ total: 10, partial: true });
  });

  it("--sample: the examples of lowest sha256(seed, NUL, id), in dataset order (fixed values, the same on every Node)", () => {
    expect(sampleRank("0", "ex-1")).toBe("f1c54ddad620852da3e630ba2703c2a19613fb3eb313ad2612132d6f7edada34");
    const chosen = selectExamples(examples(20), { kind: "sample", count: 5, seed: "42" });
    const expected = ["ex-1", "ex-2", "ex-5", "ex-8", "ex-13"];
    expect(ids(chosen.examples)).toEqual(expected);
    expect(chosen).toMatchObject({ total: 20, partial: true, missing: [] });
  });

  it("--sample is reproducible, independent of dataset order, and changes with the seed (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 70 }), fc.string(), (names, count, seed) => {
        const data = names.map((id) => ({ id }));
        const once = ids(selectExamples(data, { kind: "sample", count, seed }).examples);
        expect(ids(selectExamples(data, { kind: "sample", count, seed }).examples)).toEqual(once);
        const reversed = ids(selectExamples([...data].reverse(), { kind: "sample", count, seed }).examples);
        expect(new Set(reversed)).toEqual(new Set(once));
        expect(once).toHaveLength(Math.min(count, data.length));
        // In dataset order.
        expect(once).toEqual(names.filter((name) => once.includes(name)));
      }),
    );
  });

  it("--sample keeps its choices as the dataset grows: a new example displaces one only by ranking lower", () => {
    const before = ids(selectExamples(examples(50), { kind: "sample", count: 10, seed: "s" }).examples);
    const after = ids(selectExamples(examples(60), { kind: "sample", count: 10, seed: "s" }).examples);
    const kept = before.filter((id) => after.includes(id));
    const added = after.filter((id) => !before.includes(id));
    expect(kept.length + added.length).toBe(10);
    for (const id of added) expect(Number(id.slice(3))).toBeGreaterThan(50);
  });

  it("streams: the selector holds only what it keeps", () => {
    const selector = new ExampleSelector<{ id: string }>({ kind: "sample", count: 2, seed: "x" });
    for (const example of examples(10_000)) selector.offer(example);
    const done = selector.finish();
    expect(done.examples).toHaveLength(2);
    expect(done.total).toBe(10_000);
  });

  it("says what it chose", () => {
    expect(describeSelection({ kind: "limit", count: 5 })).toBe("the first 5");
    expect(describeSelection({ kind: "sample", count: 5, seed: "7" })).toBe("a sample of 5 (seed 7)");
    expect(describeSelection({ kind: "ids", ids: ["a", "b"] })).toBe("examples a, b");
  });
});
