import { describe, expect, it } from "vitest";
import { numericClose, pythonFloat } from "../../../src/evaluators/numeric.js";
import { evaluatorArgs as args } from "../../helpers/evaluator-args.js";

const eo = (value: unknown) => ({ expected_output: value });

describe("numericClose", () => {
  it("passes when |output - expected| <= atol + rtol * |expected|", () => {
    expect(numericClose()(args("3.14", eo("3.14"))).score).toBe(1);
    expect(numericClose({ atol: 0.001 })(args(Math.PI, eo("3.14159"))).score).toBe(1);
    expect(numericClose({ atol: 0.001 })(args(3.2, eo("3.14159")))).toMatchObject({ score: 0, explanation: "expected 3.14159, got 3.2" });
    expect(numericClose({ atol: 0, rtol: 0.01 })(args(101, eo("100"))).score).toBe(1);
    expect(numericClose({ atol: 0, rtol: 0.01 })(args(102, eo("100"))).score).toBe(0);
  });

  it("scores 0 when either side is not a number, saying which", () => {
    expect(numericClose()(args("abc", eo("1")))).toMatchObject({ score: 0, explanation: 'the output "abc" is not a number' });
    expect(numericClose()(args(1, eo("['x']")))).toMatchObject({ score: 0, explanation: 'the expected value "x" is not a number' });
    expect(numericClose()(args(null, eo("1"))).score).toBe(0);
    expect(numericClose()(args(1, eo([]))).score).toBe(0);
  });

  it("reads numbers as Python's float() does", () => {
    expect(pythonFloat(" 1_000.5 ")).toBe(1000.5);
    expect(pythonFloat("1e3")).toBe(1000);
    expect(pythonFloat("-inf")).toBe(-Infinity);
    expect(pythonFloat("NaN")).toBeNaN();
    expect(pythonFloat("5.")).toBe(5);
    expect(pythonFloat(true)).toBe(1);
    for (const bad of ["0x10", "1__0", "", "1 2", "one", [1], null]) expect(pythonFloat(bad), String(bad)).toBeUndefined();
  });

  it("reads any Unicode decimal digit and trims Unicode spaces, as Python's float() does (not U+FEFF or \\x1c)", () => {
    const read: [string, number][] = [
      ["１２３", 123],
      ["١٢٣.٥", 123.5],
      ["𝟓", 5],
      ["1_０", 10],
      ["٣e٢", 300],
      ["-５", -5],
      ["\x855", 5],
      ["\u00a05\u3000", 5],
      ["\u20035", 5],
    ];
    for (const [text, value] of read) expect(pythonFloat(text), text).toBe(value);
    for (const bad of ["\ufeff5", "\x1c5", "5\x1f", "5\u200b", "²", "①", "－5", "Ⅻ"]) expect(pythonFloat(bad), bad).toBeUndefined();
    expect(numericClose()(args("４２", eo("42"))).score).toBe(1);
  });
});
