import type { EvaluatorArgs } from "../../src/types.js";

/** The arguments an evaluator gets, for an output and an expected output. */
export function evaluatorArgs(output: unknown, expected: Record<string, unknown> = {}, durationMs = 1): EvaluatorArgs {
  return {
    input: {},
    output,
    expected,
    metadata: {},
    example: { id: "1", input: {}, output: expected, metadata: {} },
    durationMs,
    signal: new AbortController().signal,
  };
}
