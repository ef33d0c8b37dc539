import { parsePath } from "dot-prop";
import { isWholeNumber, wholeNumberRule } from "../config/whole-number.js";
import type { EvaluatorArgs } from "../types.js";

/** The field mapping every factory takes. */
export interface FieldOptions {
  /**
   * Dot path of the part of the task's output to check (`answer`, `result.items`, `calls.0.name`);
   * default: the whole output. A JSON string output is parsed first. A missing field reads as null.
   */
  outputKey?: string;
  /**
   * Dot path of the field of the example's expected output holding the expected value(s); the
   * default depends on the factory (`expected_output` for the Python evalwire's twelve).
   */
  expectedKey?: string;
}

/**
 * How one option is checked, and what to tell the user it must be. Plain predicates, not schemas:
 * every evaluator file loads these, and a schema library would add its load time to every start.
 */
export interface OptionRule {
  check: (value: unknown) => boolean;
  /** Completes "option "k" must be ...". */
  allowed: string;
}

const isText = (value: unknown): value is string => typeof value === "string" && value.length > 0;
const isFiniteFrom = (min: number, above: boolean) => (value: unknown) => typeof value === "number" && Number.isFinite(value) && (above ? value > min : value >= min);
/** A list (a true array) whose every item passes `item`. */
export function isListOf(value: unknown, item: (each: unknown) => boolean): value is unknown[] {
  if (!Array.isArray(value)) return false;
  // Not value.every: it skips the holes of a sparse array.
  for (let index = 0; index < value.length; index++) if (!item(value[index])) return false;
  return true;
}
/** A plain object (no array, no null). */
export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

export const rules = {
  wholeFrom: (min: number): OptionRule => ({ check: (value) => isWholeNumber(value, { min }), allowed: wholeNumberRule({ min }) }),
  nonNegative: { check: isFiniteFrom(0, false), allowed: "a finite number from 0 up" },
  positive: { check: isFiniteFrom(0, true), allowed: "a finite number above 0" },
  boolean: { check: (value) => typeof value === "boolean", allowed: "true or false" },
  text: { check: isText, allowed: "a non-empty string" },
  texts: { check: (value) => isListOf(value, isText), allowed: "a list of non-empty strings" },
  nonEmptyTexts: { check: (value) => isListOf(value, isText) && value.length > 0, allowed: "a non-empty list of non-empty strings" },
  textOrTexts: { check: (value) => isText(value) || (isListOf(value, isText) && value.length > 0), allowed: "a non-empty string or a non-empty list of them" },
} satisfies Record<string, OptionRule | ((n: number) => OptionRule)>;

const fieldRules: Record<keyof FieldOptions, OptionRule> = { outputKey: rules.text, expectedKey: rules.text };

/** A factory's options, checked when the factory is called (when the evaluator file loads). */
export function checkOptions<T extends FieldOptions>(factory: string, options: unknown, own: Record<string, OptionRule> = {}): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${factory}: options must be an object like { outputKey: "answer" } (got ${shown(options)})`);
  }
  const all: Record<string, OptionRule> = { ...own, ...fieldRules };
  for (const [name, value] of Object.entries(options)) {
    const rule = all[name];
    if (!rule) throw new TypeError(`${factory}: unknown option "${name}" (options: ${Object.keys(all).join(", ")})`);
    if (value !== undefined && !rule.check(value)) {
      throw new TypeError(`${factory}: option "${name}" must be ${rule.allowed} (got ${shown(value)})`);
    }
  }
  return options as T;
}

/** Throws the TypeError of a wrong option found by a factory's own check. */
export function optionError(factory: string, name: string, allowed: string, value: unknown): TypeError {
  return new TypeError(`${factory}: option "${name}" must be ${allowed} (got ${shown(value)})`);
}

/** `value` at a dot path; a JSON string holding an object or array is parsed first. */
export function atPath(value: unknown, path: string | undefined): unknown {
  if (path === undefined) return value;
  let container = value;
  if (typeof container === "string") {
    try {
      container = JSON.parse(container);
    } catch {
      return undefined;
    }
  }
  // Own properties only: "constructor" or "a.toString" must not find what every object inherits.
  const keys = parsePath(path);
  if (keys.length === 0) return undefined;
  for (const key of keys) {
    if (container === null || typeof container !== "object" || !Object.hasOwn(container, key)) return undefined;
    container = (container as Record<string | number, unknown>)[key];
  }
  return container;
}

/** The output an evaluator checks: the whole output, or its `outputKey` field. */
export function outputOf(args: EvaluatorArgs, options: FieldOptions): unknown {
  return atPath(args.output, options.outputKey);
}

/** The raw expected value at `expectedKey` (or the factory's default key); undefined when absent. */
export function expectedOf(args: EvaluatorArgs, options: FieldOptions, defaultKey: string): unknown {
  return atPath(args.expected, options.expectedKey ?? defaultKey);
}

/** A value shown in a message: JSON, cut at 80 characters. */
export function shown(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? "undefined" : typeof value === "function" ? "a function" : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
