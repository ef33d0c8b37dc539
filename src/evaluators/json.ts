import { createRequire } from "node:module";
import type { Ajv, ValidateFunction } from "ajv";
import type { EvaluatorArgs, Score } from "../types.js";
import type { BuiltInEvaluator } from "./built-in.js";
import { checkOptions, expectedOf, type FieldOptions, outputOf, rules, shown } from "./options.js";
import { pythonRegex } from "./python-regex.js";
import { deepEqual, expectedItems, verdict } from "./values.js";

export interface JsonMatchOptions extends FieldOptions {
  /** The keys to compare; default every key of the expected object. */
  keys?: string[];
}

/**
 * The share of keys whose values are equal (by value) in the output object and the expected
 * object (the first expected value). Either may be an object or a JSON string of one; the expected
 * one may be a Python dict literal too. Not an object on either side scores 0.
 */
export function jsonMatch(options: JsonMatchOptions = {}): BuiltInEvaluator {
  const checked = checkOptions<JsonMatchOptions>("jsonMatch", options, { keys: { check: rules.nonEmptyTexts.check, allowed: "a non-empty list of key names" } });
  return (args: EvaluatorArgs): Score => {
    const actual = asObject(outputOf(args, checked));
    if (typeof actual === "string") return { score: 0, label: null, explanation: `the output ${actual}` };
    const wanted = asObject(expectedItems(expectedOf(args, checked, "expected_output"))[0]);
    if (typeof wanted === "string") return { score: 0, label: null, explanation: `the expected value ${wanted}` };
    const keys = checked.keys ?? Object.keys(wanted);
    if (keys.length === 0) return { score: 0, label: null, explanation: "no keys to compare" };
    // A key missing from the output reads as null, as Python's dict.get does.
    const differing = keys.filter((key) => !(Object.hasOwn(wanted, key) && deepEqual(Object.hasOwn(actual, key) ? actual[key] : null, wanted[key])));
    return {
      score: (keys.length - differing.length) / keys.length,
      label: null,
      explanation: differing.length > 0 ? `differs at ${differing.join(", ")}` : null,
    };
  };
}

/** An object, or why not (as the end of a sentence). */
function asObject(value: unknown): Record<string, unknown> | string {
  if (value === null || value === undefined) return "is missing";
  let object = value;
  if (typeof value === "string") {
    try {
      object = JSON.parse(value);
    } catch {
      return "is not JSON";
    }
  }
  return object !== null && typeof object === "object" && !Array.isArray(object) ? (object as Record<string, unknown>) : "is not a JSON object";
}

// Like Python's Draft7Validator: formats are annotations only, unknown keywords are ignored, and
// `pattern` and `patternProperties` are Python `re` patterns (Unicode \d and \w, `\Z`, ...).
// Loaded when schemaValid is first used: every experiment's worker loads the built-ins.
let loaded: Ajv | null = null;
function ajv(): Ajv {
  if (!loaded) {
    const { Ajv: AjvClass } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
    const regExp = Object.assign((pattern: string) => pythonRegex(pattern, "schemaValid"), { code: "pythonRegex" });
    loaded = new AjvClass({ strict: false, validateFormats: false, allErrors: true, code: { regExp } });
  }
  return loaded;
}

/**
 * 1 when the output (an object, or a JSON string of one) is valid against a JSON Schema (draft 7,
 * whatever its `$schema` says, as the Python evalwire). A schema that does not compile is a
 * TypeError when the factory is called.
 */
export function schemaValid(schema: Record<string, unknown> | boolean, options: FieldOptions = {}): BuiltInEvaluator {
  const checked = checkOptions<FieldOptions>("schemaValid", options);
  const validate = compile(schema);
  return (args: EvaluatorArgs): Score => {
    const output = outputOf(args, checked);
    if (output === null || output === undefined) return verdict(false, "no output");
    let instance = output;
    if (typeof output === "string") {
      try {
        instance = JSON.parse(output);
      } catch {
        return verdict(false, "the output is not JSON");
      }
    }
    const valid = validate(instance);
    return verdict(valid, valid ? null : ajv().errorsText(validate.errors, { dataVar: "output" }));
  };
}

function compile(schema: unknown): ValidateFunction {
  if (typeof schema !== "boolean" && (schema === null || typeof schema !== "object" || Array.isArray(schema))) {
    throw new TypeError(`schemaValid: the schema must be a JSON Schema object (got ${shown(schema)})`);
  }
  const { $schema: _ignored, ...draft7 } = typeof schema === "boolean" ? { $schema: undefined } : (schema as Record<string, unknown>);
  try {
    return ajv().compile(typeof schema === "boolean" ? schema : draft7);
  } catch (error) {
    throw new TypeError(`schemaValid: the schema is not a valid JSON Schema (draft 7): ${(error as Error).message}`);
  }
}
