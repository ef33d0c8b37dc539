// Scores a parity case with evalwire's evaluators, the case given in the Python evalwire's terms.
import * as evaluators from "../../src/evaluators/index.js";
import type { EvaluatorArgs, EvaluatorFn } from "../../src/types.js";
import type { Spec } from "./cases.js";
import type { PythonOutcome } from "./python-evalwire.js";

/** Our evaluator for a case given in the Python evalwire's terms. */
export function build(spec: Spec): EvaluatorFn {
  const options = spec.options ?? {};
  switch (spec.factory) {
    case "top_k":
      return evaluators.topK(options.k === undefined ? {} : { k: options.k as number });
    case "is_in":
      return evaluators.isIn();
    case "exact_match":
      return evaluators.exactMatch();
    case "contains":
      return evaluators.contains();
    case "regex_match":
      return evaluators.regexMatch();
    case "json_match":
      return evaluators.jsonMatch(options.keys === undefined ? {} : { keys: options.keys as string[] });
    case "schema_valid":
      return evaluators.schemaValid(options.schema as Record<string, unknown>);
    case "numeric_close":
      return evaluators.numericClose(options);
    case "weighted":
      return evaluators.weighted((options.parts as [Spec, number][]).map(([part, weight]) => [build(part), weight]));
    case "all_pass":
      return evaluators.allPass((options.parts as Spec[]).map(build));
    case "any_pass":
      return evaluators.anyPass((options.parts as Spec[]).map(build));
    default:
      throw new Error(`unknown factory ${spec.factory}`);
  }
}

/** Our outcome for a case: its score, or the error it threw. */
export async function scoreOutcome(spec: Spec, output: unknown, expected: Record<string, unknown>): Promise<PythonOutcome> {
  const args: EvaluatorArgs = { input: {}, output, expected, metadata: {}, example: { id: "1", input: {}, output: expected, metadata: {} }, durationMs: 1, signal: new AbortController().signal };
  try {
    const result = await build(spec)(args);
    const score = typeof result === "object" && result !== null ? result.score : result;
    return typeof score === "number" ? { score } : { error: `no score: ${JSON.stringify(result)}` };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}
