import { describe, expect, it } from "vitest";
import { maxDurationMs, maxLength, minLength } from "../../../src/evaluators/length.js";
import { evaluatorArgs as args } from "../../helpers/evaluator-args.js";

describe("minLength / maxLength", () => {
  it("count the output text's characters (code points)", () => {
    expect(minLength({ value: 3 })(args("abc")).score).toBe(1);
    expect(minLength({ value: 4 })(args("abc"))).toEqual({ score: 0, label: "fail", explanation: "3 characters, fewer than 4" });
    expect(maxLength({ value: 2 })(args("😀😀")).score).toBe(1);
    expect(maxLength({ value: 2 })(args("abc"))).toMatchObject({ score: 0, explanation: "3 characters, more than 2" });
    expect(minLength({ value: 1 })(args(null)).score).toBe(0);
  });

  it("read the field named by outputKey, and a transcript's assistant text", () => {
    expect(maxLength({ value: 5, outputKey: "answer" })(args({ answer: "short", notes: "a very long note" })).score).toBe(1);
    const transcript = [
      { role: "user", content: "a long question here" },
      { role: "assistant", content: [{ type: "text", text: "ok" }] },
    ];
    expect(maxLength({ value: 2 })(args(transcript)).score).toBe(1);
  });

  it("need a whole number value", () => {
    expect(() => minLength({} as never)).toThrow('minLength: option "value" is required (a length in characters)');
    expect(() => maxLength({ value: 1.5 })).toThrow('maxLength: option "value" must be a whole number from 0 up (got 1.5)');
  });
});

describe("maxDurationMs", () => {
  it("passes when the task took at most the limit", () => {
    expect(maxDurationMs({ value: 100 })(args("x", {}, 100)).score).toBe(1);
    expect(maxDurationMs({ value: 100 })(args("x", {}, 100.6))).toEqual({ score: 0, label: "fail", explanation: "took 101 ms, more than 100 ms" });
    expect(() => maxDurationMs({ value: 0 })).toThrow('maxDurationMs: option "value" must be a finite number above 0 (got 0)');
  });
});
