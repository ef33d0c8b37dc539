import { describe, expect, it } from "vitest";
import { allPass, anyPass, weighted } from "../../../src/evaluators/compose.js";
import { contains, exactMatch } from "../../../src/evaluators/match.js";
import type { EvaluatorFn } from "../../../src/types.js";
import { evaluatorArgs as args } from "../../helpers/evaluator-args.js";

const fixed =
  (score: unknown): EvaluatorFn =>
  () =>
    score as number;
const throws: EvaluatorFn = () => {
  throw new Error("boom");
};

describe("weighted", () => {
  it("is the normalised weighted mean of the scores (true/false count 1/0, async evaluators are awaited)", async () => {
    const evaluate = weighted([
      [exactMatch(), 2],
      [contains(), 1],
    ]);
    expect(await evaluate(args("Paris is nice", { expected_output: "Paris" }))).toEqual({ score: 1 / 3, label: null, explanation: "0.667×0 + 0.333×1" });
    expect(
      (
        await weighted([
          [fixed(true), 1],
          [async () => ({ score: 0.5 }), 3],
        ])(args("x"))
      ).score,
    ).toBe(0.625);
    expect(
      (
        await weighted([
          [fixed(0.2), 0],
          [fixed(0.9), 1],
        ])(args("x"))
      ).score,
    ).toBe(0.9);
  });

  it("fails loudly on a score it cannot weigh, and passes errors on", async () => {
    await expect(weighted([[fixed("label"), 1]])(args("x"))).rejects.toThrow('weighted: evaluator 1 gave "label"; a score in [0, 1] (or true/false) is needed');
    await expect(weighted([[fixed(2), 1]])(args("x"))).rejects.toThrow("weighted: evaluator 1 gave 2");
    await expect(weighted([[throws, 1]])(args("x"))).rejects.toThrow("boom");
  });

  it("checks its entries when called", () => {
    expect(() => weighted([])).toThrow("weighted: give a non-empty list of [evaluator, weight] (got [])");
    expect(() => weighted([[fixed(1), -1]])).toThrow("weighted: entry 1 must be [evaluator, weight] with a weight from 0 up (got [");
    expect(() => weighted([["x" as never, 1]])).toThrow("weighted: entry 1 must be [evaluator, weight]");
    expect(() => weighted([[fixed(1), 0]])).toThrow("weighted: the weights add up to 0; at least one must be above 0");
  });
});

describe("allPass / anyPass", () => {
  it("pass on every / any evaluator passing (a score above 0 passes, as Python's truthiness)", async () => {
    expect(await allPass([fixed(1), fixed(0.1)])(args("x"))).toEqual({ score: 1, label: "pass", explanation: null });
    expect(await allPass([fixed(1), fixed(0)])(args("x"))).toEqual({ score: 0, label: "fail", explanation: "evaluator 2 failed" });
    expect(await anyPass([fixed(0), fixed(true)])(args("x"))).toEqual({ score: 1, label: "pass", explanation: "evaluator 2 passed" });
    expect(await anyPass([fixed(0), fixed(false)])(args("x"))).toEqual({ score: 0, label: "fail", explanation: "no evaluator passed" });
  });

  it("say why the deciding evaluator failed, when it said so itself", async () => {
    const failed = await allPass([contains(), exactMatch()])(args("Paris is nice", { expected_output: "Paris" }));
    expect(failed).toMatchObject({ score: 0, label: "fail" });
    const why = (await exactMatch()(args("Paris is nice", { expected_output: "Paris" }))).explanation;
    expect(why).toEqual(expect.any(String));
    expect(failed.explanation).toBe(`evaluator 2 failed: ${why}`);
  });

  it("stop at the first evaluator that decides, as Python does", async () => {
    expect((await allPass([fixed(0), throws])(args("x"))).score).toBe(0);
    expect((await anyPass([fixed(1), throws])(args("x"))).score).toBe(1);
    await expect(allPass([fixed(1), throws])(args("x"))).rejects.toThrow("boom");
  });

  it("narrow what their evaluators see with outputKey and expectedKey", async () => {
    const evaluate = allPass([exactMatch(), contains()], { outputKey: "answer", expectedKey: "answer" });
    expect((await evaluate(args({ answer: "Paris" }, { answer: "Paris" }))).score).toBe(1);
  });

  it("check their list when called", () => {
    expect(() => allPass([])).toThrow("allPass: give a non-empty list of evaluators (got [])");
    expect(() => anyPass([fixed(1), 3 as never])).toThrow("anyPass: entry 2 is not an evaluator function (got 3)");
  });
});
