import { describe, expect, it } from "vitest";
import { topK } from "../../../src/evaluators/top-k.js";
import { evaluatorArgs as args } from "../../helpers/evaluator-args.js";

const eo = (value: unknown) => ({ expected_output: value });

describe("topK", () => {
  it("scores 1 - position / k per expected item, 0 when missing, and the mean over items", () => {
    const evaluate = topK({ k: 4, outputKey: "results" });
    expect(evaluate(args({ results: ["a", "b", "c"] }, eo(["a"]))).score).toBe(1);
    expect(evaluate(args({ results: ["a", "b", "c"] }, eo(["b"]))).score).toBe(0.75);
    expect(evaluate(args({ results: ["a", "b", "c"] }, eo(["a", "z"])))).toEqual({ score: 0.5, label: null, explanation: 'not in the top 4: "z"' });
    expect(evaluate(args({ results: ["a", "b", "c", "d", "e"] }, eo(["e"]))).score).toBe(0);
  });

  it("reads a Python literal list as Python does (it scored 0 before; Python scores 0.95)", () => {
    expect(topK()(args(["doc-q1", "x", "doc-q1-b"], eo("['doc-q1', 'doc-q1-b']"))).score).toBeCloseTo(0.95, 12);
  });

  it("scores 0 on a null output (it threw before) and on an empty expected list (NaN before)", () => {
    expect(topK()(args(null, eo(["a"])))).toEqual({ score: 0, label: null, explanation: "no output" });
    expect(topK({ outputKey: "results" })(args({}, eo(["a"]))).score).toBe(0);
    expect(topK()(args(["a"], eo([])))).toEqual({ score: 0, label: null, explanation: "no expected items" });
    expect(topK()(args(["a"], eo("[]"))).score).toBe(0);
  });

  it("scores 0 without expected items whatever the output is, as Python does (not an error on a non-list)", () => {
    for (const output of ["text", 5, { results: ["a"] }]) expect(topK()(args(output, eo([]))), JSON.stringify(output)).toEqual({ score: 0, label: null, explanation: "no expected items" });
  });

  it("compares objects by value, not by JSON text (key order never matters)", () => {
    expect(topK()(args([{ id: 1, tags: { b: 2, a: 1 } }], eo([{ tags: { a: 1, b: 2 }, id: 1 }]))).score).toBe(1);
  });

  it('keeps the expected string "42" a string', () => {
    expect(topK()(args(["42"], eo("42"))).score).toBe(1);
  });

  it("throws on an output that is not a list, naming the field", () => {
    expect(() => topK({ outputKey: "results" })(args({ results: "a" }, eo(["a"])))).toThrow('topK: the output.results must be a list (got "a")');
    expect(() => topK()(args({ results: ["a"] }, eo(["a"])))).toThrow("set outputKey to the list's field");
    expect(topK()(args('["a", "b"]', eo(["b"]))).score).toBe(0.95);
  });
});
