import type { EvaluatorArgs, Score } from "../types.js";
import type { BuiltInEvaluator } from "./built-in.js";
import { checkOptions, expectedOf, type FieldOptions, outputOf, rules, shown } from "./options.js";
import { pythonRegex } from "./python-regex.js";
import { expectedItems, isPythonFalse, sameValue, textOf, transcriptText, verdict } from "./values.js";

/** What the Python evalwire's four "match" evaluators read: the output and the expected values. */
function sides(args: EvaluatorArgs, options: FieldOptions) {
  return { actual: outputOf(args, options), items: expectedItems(expectedOf(args, options, "expected_output")) };
}

/** 1 when the output equals the first expected value, by value (strings stay strings: "42" is not 42). */
export function exactMatch(options: FieldOptions = {}): BuiltInEvaluator {
  const checked = checkOptions<FieldOptions>("exactMatch", options);
  return (args: EvaluatorArgs): Score => {
    const { actual, items } = sides(args, checked);
    if (actual === null || actual === undefined) return verdict(false, "no output");
    if (items.length === 0) return verdict(false, "no expected value");
    return sameValue(actual, items[0]) ? verdict(true) : verdict(false, `expected ${shown(items[0])}, got ${shown(actual)}`);
  };
}

/** 1 when the output equals one of the expected values. */
export function isIn(options: FieldOptions = {}): BuiltInEvaluator {
  const checked = checkOptions<FieldOptions>("isIn", options);
  return (args: EvaluatorArgs): Score => {
    const { actual, items } = sides(args, checked);
    if (actual === null || actual === undefined) return verdict(false, "no output");
    if (items.some((item) => sameValue(actual, item))) return verdict(true);
    // A list output is compared whole, as in Python; when its items are what was expected, say so.
    const itemsMatch = Array.isArray(actual) && actual.some((part) => items.some((item) => sameValue(part, item)));
    const hint = itemsMatch ? " (the output is a list, compared whole: use contains to look for an item)" : "";
    return verdict(false, `${shown(actual)} is not one of ${shown(items)}${hint}`);
  };
}

export interface ContainsOptions extends FieldOptions {
  /** Compare text case-insensitively. Default false. */
  ignoreCase?: boolean;
}

/**
 * 1 when the first expected value is in the output: a substring of a text output or of a chat
 * transcript's assistant text, an item of a list output, a key of an object output (Python's `in`).
 */
export function contains(options: ContainsOptions = {}): BuiltInEvaluator {
  const checked = checkOptions<ContainsOptions>("contains", options, { ignoreCase: rules.boolean });
  const fold = (text: string) => (checked.ignoreCase ? text.toLowerCase() : text);
  return (args: EvaluatorArgs): Score => {
    const { actual, items } = sides(args, checked);
    if (actual === null || actual === undefined) return verdict(false, "no output");
    if (items.length === 0) return verdict(false, "no expected value");
    const wanted = items[0];
    const said = transcriptText(actual);
    let found: boolean;
    if (said !== undefined && typeof wanted === "string") found = fold(said).includes(fold(wanted));
    else if (Array.isArray(actual)) found = actual.some((item) => sameValue(item, wanted));
    else if (typeof actual === "object") found = isKeyOf(wanted, actual);
    else if (typeof wanted !== "string") throw new TypeError(`contains: the expected value ${shown(wanted)} is not text`);
    else if (typeof actual === "string") found = fold(actual).includes(fold(wanted));
    else throw new TypeError(`contains: the output ${shown(actual)} is not text, a list or an object (set outputKey)`);
    return verdict(found, found ? null : `${shown(wanted)} not found`);
  };
}

/** Python's `wanted in dict`: a key is text; a number, true/false or null is no key of a JSON object; a list or object cannot be one. */
function isKeyOf(wanted: unknown, object: object): boolean {
  if (typeof wanted === "string") return Object.hasOwn(object, wanted);
  if (wanted !== null && typeof wanted === "object") throw new TypeError(`contains: the expected value ${shown(wanted)} cannot be a key of the output object`);
  return false;
}

export interface NotContainsOptions extends ContainsOptions {
  /** The text(s) that must not appear. Default: every expected value (`expected.expected_output` or `expectedKey`). */
  value?: string | string[];
}

/** 1 when none of the given texts appears in the output's text (a transcript's assistant text; see the README). */
export function notContains(options: NotContainsOptions = {}): BuiltInEvaluator {
  const checked = checkOptions<NotContainsOptions>("notContains", options, { value: rules.textOrTexts, ignoreCase: rules.boolean });
  const fold = (text: string) => (checked.ignoreCase ? text.toLowerCase() : text);
  const given = checked.value === undefined ? undefined : [checked.value].flat();
  return (args: EvaluatorArgs): Score => {
    const forbidden = given ?? forbiddenFromExpected(args, checked);
    const text = fold(textOf(outputOf(args, checked)));
    const found = forbidden.filter((item) => text.includes(fold(item)));
    return verdict(found.length === 0, found.length === 0 ? null : `found ${found.map((item) => shown(item)).join(", ")}`);
  };
}

function forbiddenFromExpected(args: EvaluatorArgs, options: FieldOptions): string[] {
  const raw = expectedOf(args, options, "expected_output");
  if (raw === undefined) throw new TypeError(`notContains: no option "value" and no expected.${options.expectedKey ?? "expected_output"} to read the forbidden texts from`);
  return expectedItems(raw)
    .filter((item) => item !== null && item !== "")
    .map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
}

/**
 * 1 when the first expected value, as a regular expression, matches somewhere in the output (a
 * text, or a chat transcript's assistant text).
 * The pattern is read as Python's `re` reads it (see pythonRegex).
 */
export function regexMatch(options: FieldOptions = {}): BuiltInEvaluator {
  const checked = checkOptions<FieldOptions>("regexMatch", options);
  const compiled = new Map<string, RegExp>();
  return (args: EvaluatorArgs): Score => {
    const { actual, items } = sides(args, checked);
    if (actual === null || actual === undefined) return verdict(false, "no output");
    const pattern = items[0];
    if (pattern === undefined || isPythonFalse(pattern)) return verdict(false, "no pattern");
    if (typeof pattern !== "string") throw new TypeError(`regexMatch: the expected pattern ${shown(pattern)} is not text`);
    const text = typeof actual === "string" ? actual : transcriptText(actual);
    if (text === undefined) throw new TypeError(`regexMatch: the output ${shown(actual)} is not text (set outputKey)`);
    let regex = compiled.get(pattern);
    if (!regex) {
      regex = pythonRegex(pattern);
      compiled.set(pattern, regex);
    }
    return regex.test(text) ? verdict(true) : verdict(false, `/${pattern}/ does not match`);
  };
}
