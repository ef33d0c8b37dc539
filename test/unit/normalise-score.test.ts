import { describe, expect, it } from "vitest";
import { normaliseScore } from "../../src/engine/normalise-score.js";

describe("normaliseScore", () => {
  it("turns a finite number into a score", () => {
    expect(normaliseScore(0.25)).toEqual({ score: 0.25, label: null, explanation: null });
    expect(normaliseScore(0)).toEqual({ score: 0, label: null, explanation: null });
  });

  it("turns a boolean into 1/0 with pass/fail", () => {
    expect(normaliseScore(true)).toEqual({ score: 1, label: "pass", explanation: null });
    expect(normaliseScore(false)).toEqual({ score: 0, label: "fail", explanation: null });
  });

  it("turns a string into a label", () => {
    expect(normaliseScore("relevant")).toEqual({ score: null, label: "relevant", explanation: null });
  });

  it("keeps score, label and explanation of an object", () => {
    expect(normaliseScore({ score: 0.5, label: "half", explanation: "one of two" })).toEqual({ score: 0.5, label: "half", explanation: "one of two" });
    expect(normaliseScore({ label: "x", metadata: { a: 1 } })).toEqual({ score: null, label: "x", explanation: null, metadata: { a: 1 } });
  });

  it.each([
    [Number.NaN, /returned NaN/],
    [Number.POSITIVE_INFINITY, /returned Infinity/],
    [undefined, /returned undefined/],
    [null, /returned null/],
    [[1], /returned an array/],
    [{ score: Number.NaN }, /score NaN/],
    [{ score: "0.5" }, /score "0.5"/],
    [{ label: 3 }, /label 3/],
    [{ scor: 1 }, /unknown key "scor"/],
    [{ explanation: "only" }, /neither score nor label/],
    [() => 1, /returned function/],
    [{ score: 1, metadata: 5 }, /metadata that is not an object/],
    [{ score: 1, metadata: { tokens: 10n } }, /returned metadata that is not JSON \(a bigint at \.tokens\)/],
    [{ score: 1, metadata: { call: () => 1 } }, /returned metadata that is not JSON \(a function at \.call\)/],
    [{ score: 1, metadata: { reply: new Response("x") } }, /returned metadata that is not JSON \(a Response at \.reply: JSON writes it as \{\}/],
    [{ score: 10n }, /returned score 10n; a score must be a finite number/],
    [{ label: Symbol("x") }, /returned label Symbol\(x\); a label must be a string/],
    [{ score: () => 1 }, /returned score a function; a score must be a finite number/],
  ])("rejects %o", (value, message) => {
    const result = normaliseScore(value);
    expect(result).toHaveProperty("error");
    expect((result as { error: string }).error).toMatch(message);
  });

  it("reads only what the object has itself: fields added to Object.prototype (prototype pollution) neither fill in nor hide a score", () => {
    const prototype = Object.prototype as Record<string, unknown>;
    Object.assign(prototype, { score: 1, label: "pass", error: null, metadata: 5 });
    try {
      expect(normaliseScore({ label: "meh" })).toEqual({ score: null, label: "meh", explanation: null });
      expect(normaliseScore({ score: 0.5 })).toEqual({ score: 0.5, label: null, explanation: null });
      expect(normaliseScore({ explanation: "only" })).toEqual({ error: expect.stringContaining("neither score nor label") });
      expect(Object.hasOwn(normaliseScore("text"), "error")).toBe(false);
    } finally {
      for (const key of ["score", "label", "error", "metadata"]) delete prototype[key];
    }
  });

  it("keeps a copy of the metadata: an evaluator that changes the object it returned later changes nothing recorded", () => {
    const metadata = { tokens: 10 };
    const score = normaliseScore({ score: 1, metadata });
    metadata.tokens = 99;
    expect(score).toEqual({ score: 1, label: null, explanation: null, metadata: { tokens: 10 } });
  });
});
