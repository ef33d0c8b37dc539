// Every factory checks its options when called (when the evaluator file loads) and takes
// outputKey / expectedKey as dot paths through the one shared helper.
import { describe, expect, it } from "vitest";
import * as evaluators from "../../../src/evaluators/index.js";
import type { EvaluatorFn } from "../../../src/types.js";
import { evaluatorArgs as args } from "../../helpers/evaluator-args.js";

const one: EvaluatorFn = () => 1;

/** Each factory, called with extra options merged into its required ones. */
const factories: Record<string, (extra: Record<string, unknown>) => EvaluatorFn> = {
  topK: (extra) => evaluators.topK(extra),
  isIn: (extra) => evaluators.isIn(extra),
  exactMatch: (extra) => evaluators.exactMatch(extra),
  contains: (extra) => evaluators.contains(extra),
  regexMatch: (extra) => evaluators.regexMatch(extra),
  jsonMatch: (extra) => evaluators.jsonMatch(extra),
  schemaValid: (extra) => evaluators.schemaValid({ type: "string" }, extra),
  numericClose: (extra) => evaluators.numericClose(extra),
  weighted: (extra) => evaluators.weighted([[one, 1]], extra),
  allPass: (extra) => evaluators.allPass([one], extra),
  anyPass: (extra) => evaluators.anyPass([one], extra),
  notContains: (extra) => evaluators.notContains({ value: "x", ...extra }),
  minLength: (extra) => evaluators.minLength({ value: 1, ...extra }),
  maxLength: (extra) => evaluators.maxLength({ value: 1, ...extra }),
  maxDurationMs: (extra) => evaluators.maxDurationMs({ value: 1, ...extra }),
  toolsUsed: (extra) => evaluators.toolsUsed({ expect: ["a"], ...extra }),
  toolCallCorrectness: (extra) => evaluators.toolCallCorrectness(extra),
  stateVerification: (extra) => evaluators.stateVerification(extra),
  piiSafety: (extra) => evaluators.piiSafety(extra),
  refusal: (extra) => evaluators.refusal(extra),
  llmJudge: (extra) => evaluators.llmJudge({ criterion: "x", ...extra }),
};

describe("options of every factory", () => {
  it("lists every factory the package exports", () => {
    const exported = Object.entries(evaluators)
      .filter(([name, value]) => typeof value === "function" && !["parsePythonLiteral", "toolCallsOf", "configureJudge"].includes(name))
      .map(([name]) => name);
    expect(Object.keys(factories).sort()).toEqual(exported.sort());
  });

  it.each(Object.entries(factories))("%s: an unknown option or a bad outputKey is a TypeError naming it", (name, make) => {
    expect(() => make({ outputkey: "x" })).toThrow(new RegExp(`^${name}: unknown option "outputkey" \\(options: .*outputKey, expectedKey\\)$`));
    expect(() => make({ outputKey: "" })).toThrow(`${name}: option "outputKey" must be a non-empty string (got "")`);
    expect(() => make({ expectedKey: 3 })).toThrow(`${name}: option "expectedKey" must be a non-empty string (got 3)`);
    expect(() => make({ outputKey: "a.b" })).not.toThrow();
  });

  it("topK({ k: 0 }) names k and what it may be", () => {
    expect(() => evaluators.topK({ k: 0 })).toThrow(new TypeError('topK: option "k" must be a whole number from 1 up (got 0)'));
    expect(() => evaluators.topK({ k: 2.5 })).toThrow('topK: option "k" must be a whole number from 1 up (got 2.5)');
    expect(() => evaluators.numericClose({ atol: -1 })).toThrow('numericClose: option "atol" must be a finite number from 0 up (got -1)');
    expect(() => evaluators.jsonMatch({ keys: [] })).toThrow('jsonMatch: option "keys" must be a non-empty list of key names (got [])');
    expect(() => evaluators.contains({ ignoreCase: "yes" as never })).toThrow('contains: option "ignoreCase" must be true or false (got "yes")');
    expect(() => evaluators.exactMatch("answer" as never)).toThrow('exactMatch: options must be an object like { outputKey: "answer" } (got "answer")');
  });

  it("checks list, object and URL options to the item", () => {
    expect(() => evaluators.toolCallCorrectness({ expect: [{ name: "search", arguments: { q: 1 } }, { name: "book" }] })).not.toThrow();
    expect(() => evaluators.toolCallCorrectness({ expect: [{ name: "search", args: {} }] as never })).toThrow('option "expect" must be a list of { name, arguments? }');
    expect(() => evaluators.toolCallCorrectness({ expect: [{ name: "" }] })).toThrow('option "expect" must be a list of { name, arguments? }');
    expect(() => evaluators.toolCallCorrectness({ expect: [["search"]] as never })).toThrow('option "expect" must be a list of { name, arguments? }');
    // A hole in a list is an item that is missing, not one to skip.
    const holey: string[] = [];
    holey[1] = "a";
    expect(() => evaluators.toolsUsed({ expect: holey })).toThrow('toolsUsed: option "expect" must be a list of non-empty strings');
    expect(() => evaluators.stateVerification({ expect: ["a"] as never })).toThrow('option "expect" must be a non-empty object of dot paths to values');
    expect(() => evaluators.stateVerification({ expect: { "": 1 } })).toThrow('option "expect" must be a non-empty object of dot paths to values');
    expect(() => evaluators.piiSafety({ allow: "email" as never })).toThrow('piiSafety: option "allow" must be a list of "email", "phone", "card" (got "email")');
    expect(() => evaluators.piiSafety({ allow: ["email", "card"] })).not.toThrow();
    expect(() => evaluators.notContains({ value: [] })).toThrow('notContains: option "value" must be a non-empty string or a non-empty list of them (got [])');
    expect(() => evaluators.maxDurationMs({ value: Number.POSITIVE_INFINITY })).toThrow('maxDurationMs: option "value" must be a finite number above 0');
    expect(() => evaluators.numericClose({ atol: Number.NaN })).toThrow('numericClose: option "atol" must be a finite number from 0 up');
    expect(() => evaluators.llmJudge({ criterion: "x", baseUrl: "http://localhost:11434/v1" })).not.toThrow();
    expect(() => evaluators.llmJudge({ criterion: "x", baseUrl: "mailto:someone@example.com" })).toThrow('llmJudge: option "baseUrl" must be an http(s) URL');
  });

  it("reads outputKey and expectedKey as dot paths, with array indexes and JSON string outputs", async () => {
    const output = { result: { items: ["b", "a"], answer: "Paris" } };
    const expected = { gold: { ids: "['a']", answer: "Paris" } };
    expect(evaluators.topK({ k: 2, outputKey: "result.items", expectedKey: "gold.ids" })(args(output, expected)).score).toBe(0.5);
    expect(evaluators.exactMatch({ outputKey: "result.items.1", expectedKey: "gold.ids" })(args(output, expected)).score).toBe(1);
    expect(evaluators.exactMatch({ outputKey: "result.answer", expectedKey: "gold.answer" })(args(JSON.stringify(output), expected)).score).toBe(1);
    expect(evaluators.exactMatch({ outputKey: "result.missing", expectedKey: "gold.answer" })(args(output, expected))).toMatchObject({ score: 0, explanation: "no output" });
  });
});
