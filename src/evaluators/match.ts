import type { EvaluatorArgs, Score } from "../types.js";
import { expectedValues, outputValue, type FieldOptions } from "./expected.js";

/** 1 when the output equals the first expected value (compared as JSON; strings stay strings). */
export function exactMatch(options: FieldOptions = {}) {
  return ({ output, expected }: EvaluatorArgs): Score => {
    const actual = outputValue(output, options.outputKey);
    const wanted = expectedValues(expected, options.expectedKey)[0];
    const pass = JSON.stringify(actual) === JSON.stringify(wanted);
    return { score: pass ? 1 : 0, label: pass ? "match" : "no match", explanation: pass ? null : `expected ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)}` };
  };
}

/** 1 when the output is one of the expected values. */
export function isIn(options: FieldOptions = {}) {
  return ({ output, expected }: EvaluatorArgs): Score => {
    const actual = JSON.stringify(outputValue(output, options.outputKey));
    const wanted = expectedValues(expected, options.expectedKey);
    const pass = wanted.some((value) => JSON.stringify(value) === actual);
    return { score: pass ? 1 : 0, label: pass ? "in" : "not in", explanation: pass ? null : `${actual} is not one of ${JSON.stringify(wanted)}` };
  };
}

/** 1 when the first expected value is a substring of the output. */
export function contains(options: FieldOptions & { ignoreCase?: boolean } = {}) {
  return ({ output, expected }: EvaluatorArgs): Score => {
    const fold = (text: string) => (options.ignoreCase ? text.toLowerCase() : text);
    const actual = fold(String(outputValue(output, options.outputKey) ?? ""));
    const wanted = fold(String(expectedValues(expected, options.expectedKey)[0] ?? ""));
    const pass = actual.includes(wanted);
    return { score: pass ? 1 : 0, label: pass ? "pass" : "fail", explanation: null };
  };
}
