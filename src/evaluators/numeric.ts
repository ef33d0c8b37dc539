import type { EvaluatorArgs, Score } from "../types.js";
import type { BuiltInEvaluator } from "./built-in.js";
import { checkOptions, expectedOf, type FieldOptions, outputOf, rules, shown } from "./options.js";
import { expectedItems, verdict } from "./values.js";

export interface NumericCloseOptions extends FieldOptions {
  /** Absolute tolerance, from 0 up. Default 1e-6. */
  atol?: number;
  /** Relative tolerance, a fraction of the expected value (0.01 is 1 %), from 0 up. Default 0. */
  rtol?: number;
}

/**
 * 1 when |output − expected| ≤ atol + rtol·|expected|; the output and the first expected value may be
 * numbers or numeric strings (as Python's `float()` reads them: `" 1_000.5 "`, `"1e3"`, `"inf"`, `"４２"`).
 */
export function numericClose(options: NumericCloseOptions = {}): BuiltInEvaluator {
  const checked = checkOptions<NumericCloseOptions>("numericClose", options, { atol: rules.nonNegative, rtol: rules.nonNegative });
  const atol = checked.atol ?? 1e-6;
  const rtol = checked.rtol ?? 0;
  return (args: EvaluatorArgs): Score => {
    const output = outputOf(args, checked);
    if (output === null || output === undefined) return verdict(false, "no output");
    const items = expectedItems(expectedOf(args, checked, "expected_output"));
    if (items.length === 0) return verdict(false, "no expected value");
    const actual = pythonFloat(output);
    const wanted = pythonFloat(items[0]);
    if (actual === undefined) return verdict(false, `the output ${shown(output)} is not a number`);
    if (wanted === undefined) return verdict(false, `the expected value ${shown(items[0])} is not a number`);
    const pass = Math.abs(actual - wanted) <= atol + rtol * Math.abs(wanted);
    return verdict(pass, pass ? null : `expected ${wanted}, got ${actual}`);
  };
}

const floatPattern = /^[+-]?(?:(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)$/i;

/** A number as Python's `float()` reads it, or undefined where it raises. */
export function pythonFloat(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "string") return undefined;
  const text = asciiNumber(value)?.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "");
  if (text === undefined || !floatPattern.test(text)) return undefined;
  const lower = text.toLowerCase().replaceAll("_", "");
  if (lower.endsWith("nan")) return Number.NaN;
  if (lower.endsWith("inf") || lower.endsWith("infinity")) return lower.startsWith("-") ? -Infinity : Infinity;
  return Number(lower);
}

// Python's Unicode spaces above ASCII (str.isspace()), which float() reads as spaces.
const unicodeSpace = /[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const decimalDigit = /\p{Nd}/u;

/**
 * The text as float() sees it: every Unicode decimal digit ("４", "٢", "𝟓") as its ASCII digit,
 * Unicode spaces as spaces; undefined when any other character above ASCII is in it.
 */
function asciiNumber(text: string): string | undefined {
  if (!/[^\0-\x7f]/.test(text)) return text;
  let ascii = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) ascii += char;
    else if (unicodeSpace.test(char)) ascii += " ";
    else if (decimalDigit.test(char)) ascii += digitValue(code);
    else return undefined;
  }
  return ascii;
}

/** A decimal digit's value: Unicode puts each script's digits 0 to 9 in a row, so count from the row's start. */
export function digitValue(code: number): number {
  let start = code;
  while (decimalDigit.test(String.fromCodePoint(start - 1))) start--;
  return (code - start) % 10;
}
