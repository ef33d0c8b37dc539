import type { EvaluatorArgs, Score } from "../types.js";
import type { BuiltInEvaluator } from "./built-in.js";
import { atPath, checkOptions, expectedOf, type FieldOptions, isRecord, outputOf, shown } from "./options.js";
import { readCollection, sameValue } from "./values.js";

export interface StateOptions extends FieldOptions {
  /**
   * The state to find: `{ "order.status": "shipped", "user.tier": "gold" }`, dot paths into the
   * output (or its `outputKey` field) and the values they must hold. Default: the example's
   * `expected.expected_state` (or `expectedKey`), an object of the same shape (a JSON or Python
   * literal string is read too).
   */
  expect?: Record<string, unknown>;
}

/** The share of the expected dot paths whose value in the output equals the expected one. */
export function stateVerification(options: StateOptions = {}): BuiltInEvaluator {
  const checked = checkOptions<StateOptions>("stateVerification", options, {
    expect: { check: (value) => isRecord(value) && Object.keys(value).length > 0 && !Object.keys(value).includes(""), allowed: "a non-empty object of dot paths to values" },
  });
  return (args: EvaluatorArgs): Score => {
    const expected = checked.expect ?? expectedState(args, checked);
    const state = outputOf(args, checked);
    const wrong = Object.entries(expected).filter(([path, value]) => !sameValue(atPath(state, path) ?? null, value));
    const total = Object.keys(expected).length;
    if (total === 0) return { score: 1, label: null, explanation: "no state expected" };
    return {
      score: (total - wrong.length) / total,
      label: null,
      explanation: wrong.length === 0 ? null : wrong.map(([path, value]) => `${path}: expected ${shown(value)}, got ${shown(atPath(state, path))}`).join("; "),
    };
  };
}

function expectedState(args: EvaluatorArgs, options: StateOptions): Record<string, unknown> {
  const key = options.expectedKey ?? "expected_state";
  let raw = expectedOf(args, options, "expected_state");
  if (typeof raw === "string") raw = readCollection(raw);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new TypeError(`stateVerification: expected.${key} must be an object of dot paths to values (got ${shown(raw)}); set expect or expectedKey`);
  }
  return raw as Record<string, unknown>;
}
