import { describe, expect, it } from "vitest";
import { contains, exactMatch, isIn, topK } from "../../src/evaluators/index.js";
import type { EvaluatorArgs } from "../../src/types.js";

const args = (output: unknown, expected: Record<string, unknown>): EvaluatorArgs => ({
  input: {},
  output,
  expected,
  metadata: {},
  example: { id: "1", input: {}, output: expected, metadata: {} },
  durationMs: 1,
  signal: new AbortController().signal,
});

describe("built-in evaluators", () => {
  it("exactMatch compares with the first expected value, keeping strings as strings", () => {
    expect(exactMatch()(args("42", { expected_output: "42" })).score).toBe(1);
    expect(exactMatch()(args(42, { expected_output: "42" })).score).toBe(0);
    expect(exactMatch({ outputKey: "top" })(args({ top: "a" }, { expected_output: ["a", "b"] })).score).toBe(1);
    expect(exactMatch()(args("b", { expected_output: ["a"] }))).toMatchObject({ score: 0, explanation: 'expected "a", got "b"' });
  });

  it("isIn accepts any expected value", () => {
    expect(isIn({ outputKey: "source" })(args({ source: "docs" }, { expected_output: ["billing", "docs"] })).score).toBe(1);
    expect(isIn()(args("x", { expected_output: "y" })).score).toBe(0);
  });

  it("contains looks for the expected text", () => {
    expect(contains()(args("Paris is the capital", { expected_output: "Paris" })).score).toBe(1);
    expect(contains({ ignoreCase: true })(args("PARIS", { expected_output: "paris" })).score).toBe(1);
    expect(contains()(args("PARIS", { expected_output: "paris" })).score).toBe(0);
  });

  it("topK scores 1 - position / k per expected item, and 0 when missing", () => {
    const evaluate = topK({ k: 4, outputKey: "results" });
    expect(evaluate(args({ results: ["a", "b", "c"] }, { expected_output: ["a"] })).score).toBe(1);
    expect(evaluate(args({ results: ["a", "b", "c"] }, { expected_output: ["b"] })).score).toBe(0.75);
    expect(evaluate(args({ results: ["a", "b", "c"] }, { expected_output: ["a", "z"] }))).toMatchObject({ score: 0.5, explanation: 'not in the top 4: "z"' });
    expect(() => evaluate(args({ results: "a" }, { expected_output: ["a"] }))).toThrow(/the output.results must be a list/);
  });
});
