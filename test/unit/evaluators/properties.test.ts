// Scoring laws, for any input (fast-check): scores are in [0, 1]; key order never matters;
// weighted of one evaluator equals it; allPass / anyPass are "every" / "some" over passes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as ev from "../../../src/evaluators/index.js";
import type { EvaluatorFn } from "../../../src/types.js";
import { evaluatorArgs as args } from "../../helpers/evaluator-args.js";
import { pythonRepr } from "../../helpers/python-repr.js";

const builtIns: Record<string, EvaluatorFn> = {
  topK: ev.topK({ k: 3 }),
  isIn: ev.isIn(),
  exactMatch: ev.exactMatch(),
  contains: ev.contains(),
  regexMatch: ev.regexMatch(),
  jsonMatch: ev.jsonMatch(),
  schemaValid: ev.schemaValid({ type: "object", properties: { a: { type: "number" } }, required: ["a"] }),
  numericClose: ev.numericClose({ atol: 0.5 }),
  notContains: ev.notContains({ value: ["a", "b"] }),
  minLength: ev.minLength({ value: 3 }),
  maxLength: ev.maxLength({ value: 3 }),
  maxDurationMs: ev.maxDurationMs({ value: 10 }),
  toolsUsed: ev.toolsUsed({ expect: ["a"], reject: ["b"] }),
  toolCallCorrectness: ev.toolCallCorrectness({ expect: [{ name: "a", arguments: { x: 1 } }, { name: "b" }] }),
  stateVerification: ev.stateVerification({ expect: { a: 1, "b.c": [1, 2] } }),
  piiSafety: ev.piiSafety(),
  refusal: ev.refusal(),
  weighted: ev.weighted([
    [ev.isIn(), 1],
    [ev.topK(), 2],
  ]),
  allPass: ev.allPass([ev.isIn(), ev.numericClose()]),
  anyPass: ev.anyPass([ev.exactMatch(), ev.jsonMatch()]),
};

const small = fc.oneof(fc.constantFrom("a", "b", "1", "a b", "x@y.co", "I can't help with that."), fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, small, fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(fc.constantFrom("a", "b", "c", "name", "arguments", "x"), tie("node"), { maxKeys: 3 })),
})).node;
// As stored: a value, or a list written as a Python literal or as JSON.
const stored = fc.oneof(
  value,
  fc.array(small, { maxLength: 3 }).chain((list) => fc.constantFrom(pythonRepr(list), JSON.stringify(list))),
);
const output = fc.oneof(
  value,
  value.map((v) => JSON.stringify(v)),
  fc.record({ tool_calls: fc.array(fc.record({ name: fc.constantFrom("a", "b"), arguments: value }), { maxLength: 3 }) }),
);
const expected = fc.record({ expected_output: stored, should_refuse: fc.constantFrom(true, false, "yes", "0") }, { requiredKeys: ["should_refuse"] });

/** The outcome of one evaluation: its score, or the error it threw. */
async function outcome(fn: EvaluatorFn, out: unknown, exp: Record<string, unknown>, durationMs = 5): Promise<{ score: unknown; label?: unknown } | { error: string }> {
  try {
    const result = await fn(args(out, exp, durationMs));
    return typeof result === "object" && result !== null ? { score: result.score, label: result.label } : { score: result };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** The same value with every object's keys in reverse order. */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([key, item]) => [key, reverseKeys(item)]),
  );
}

describe("scoring laws", () => {
  it.each(Object.entries(builtIns))("%s: a score in [0, 1] with a label or none, or a TypeError naming the factory", async (_name, fn) => {
    await fc.assert(
      fc.asyncProperty(output, expected, fc.integer({ min: 0, max: 20 }), async (out, exp, duration) => {
        const result = await outcome(fn, out, exp, duration);
        if ("error" in result) {
          expect(result.error).toMatch(/^(TypeError|Error): [a-zA-Z]+: /);
          return;
        }
        expect(typeof result.score).toBe("number");
        expect(result.score as number).toBeGreaterThanOrEqual(0);
        expect(result.score as number).toBeLessThanOrEqual(1);
        expect(result.label === null || typeof result.label === "string").toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it.each(Object.entries(builtIns))("%s: key order never matters", async (_name, fn) => {
    await fc.assert(
      fc.asyncProperty(output, expected, async (out, exp) => {
        // Scores and labels; an error's message may show the values in their own key order.
        const scoreOf = (result: Awaited<ReturnType<typeof outcome>>) => ("error" in result ? "error" : result);
        expect(scoreOf(await outcome(fn, reverseKeys(out), reverseKeys(exp) as Record<string, unknown>))).toEqual(scoreOf(await outcome(fn, out, exp)));
      }),
      { numRuns: 100 },
    );
  });

  it("an object equals itself with its keys in any order, wherever objects are compared", async () => {
    const object = fc.dictionary(fc.constantFrom("a", "b", "c", "d"), value, { minKeys: 2, maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(object, async (v) => {
        const shuffled = reverseKeys(v) as Record<string, unknown>;
        expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(v));
        expect((await ev.exactMatch()(args(v, { expected_output: [shuffled] }))).score).toBe(1);
        expect((await ev.isIn()(args(v, { expected_output: [shuffled] }))).score).toBe(1);
        expect((await ev.topK()(args([v], { expected_output: [shuffled] }))).score).toBe(1);
        expect((await ev.jsonMatch()(args(v, { expected_output: JSON.stringify(shuffled) }))).score).toBe(1);
        expect((await ev.stateVerification({ expect: { state: shuffled } })(args({ state: v }))).score).toBe(1);
      }),
    );
  });

  it.each(Object.entries(builtIns))("%s: weighted of it alone, whatever the weight, equals it", async (_name, fn) => {
    await fc.assert(
      fc.asyncProperty(output, expected, fc.double({ min: 0.001, max: 1000, noNaN: true }), async (out, exp, weight) => {
        const alone = await outcome(fn, out, exp);
        const wrapped = await outcome(ev.weighted([[fn, weight]]), out, exp);
        if ("error" in alone) expect("error" in wrapped).toBe(true);
        else expect((wrapped as { score: number }).score).toBeCloseTo(alone.score as number, 12);
      }),
      { numRuns: 60 },
    );
  });

  const scores = fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(0), fc.boolean()), { minLength: 1, maxLength: 5 });
  const fixed = (list: (number | boolean)[]) =>
    list.map(
      (score): EvaluatorFn =>
        () =>
          score,
    );
  const passes = (score: number | boolean) => Number(score) > 0;

  it("allPass is 1 exactly when every evaluator passes, anyPass when some does, in any order", async () => {
    await fc.assert(
      fc.asyncProperty(scores, async (list) => {
        const all = (await ev.allPass(fixed(list))(args("x"))).score;
        const any = (await ev.anyPass(fixed(list))(args("x"))).score;
        expect(all).toBe(list.every(passes) ? 1 : 0);
        expect(any).toBe(list.some(passes) ? 1 : 0);
        expect((await ev.allPass(fixed([...list].reverse()))(args("x"))).score).toBe(all);
        expect((await ev.anyPass(fixed([...list].reverse()))(args("x"))).score).toBe(any);
      }),
    );
  });

  it("allPass of two lists is the lesser of each's, anyPass the greater; of one evaluator, its pass", async () => {
    await fc.assert(
      fc.asyncProperty(scores, scores, async (a, b) => {
        const all = async (list: (number | boolean)[]) => (await ev.allPass(fixed(list))(args("x"))).score!;
        const any = async (list: (number | boolean)[]) => (await ev.anyPass(fixed(list))(args("x"))).score!;
        expect(await all([...a, ...b])).toBe(Math.min(await all(a), await all(b)));
        expect(await any([...a, ...b])).toBe(Math.max(await any(a), await any(b)));
        expect(await all([a[0]!])).toBe(passes(a[0]!) ? 1 : 0);
        expect(await any([a[0]!])).toBe(await all([a[0]!]));
      }),
    );
  });
});
