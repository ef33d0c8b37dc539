import type { EvaluatorArgs, Score } from "../types.js";
import type { BuiltInEvaluator } from "./built-in.js";
import { checkOptions, expectedOf, type FieldOptions, outputOf, rules, shown } from "./options.js";
import { expectedItems, readCollection, sameValue } from "./values.js";

export interface TopKOptions extends FieldOptions {
  /** How many of the output's first items count. A whole number from 1 up; default 20. */
  k?: number;
}

/**
 * Ranking quality: for each expected item, `1 - position / k` when it is among the output list's
 * first k items, else 0; the score is the mean over expected items (the Python evalwire's top_k).
 * No output, or no expected items, scores 0.
 */
export function topK(options: TopKOptions = {}): BuiltInEvaluator {
  const checked = checkOptions<TopKOptions>("topK", options, { k: rules.wholeFrom(1) });
  const k = checked.k ?? 20;
  return (args: EvaluatorArgs): Score => {
    const output = outputOf(args, checked);
    if (output === null || output === undefined) return { score: 0, label: null, explanation: "no output" };
    // No expected items scores 0 whatever the output is, as in Python (before the output is read as a list).
    const wanted = expectedItems(expectedOf(args, checked, "expected_output"));
    if (wanted.length === 0) return { score: 0, label: null, explanation: "no expected items" };
    const ranked = rankedList(output, checked.outputKey);
    const top = ranked.slice(0, k);
    const scores = wanted.map((item) => {
      const position = top.findIndex((candidate) => sameValue(candidate, item));
      return position === -1 ? 0 : 1 - position / k;
    });
    const missing = wanted.filter((_, index) => scores[index] === 0);
    return {
      score: scores.reduce((sum, score) => sum + score, 0) / scores.length,
      label: null,
      explanation: missing.length > 0 ? `not in the top ${k}: ${missing.map((item) => shown(item)).join(", ")}` : null,
    };
  };
}

/** The output as a list (a string holding a list is read too). */
function rankedList(output: unknown, outputKey: string | undefined): unknown[] {
  if (Array.isArray(output)) return output;
  const list = typeof output === "string" ? readCollection(output) : undefined;
  if (Array.isArray(list)) return list;
  const where = outputKey ? `output.${outputKey}` : "output";
  throw new TypeError(`topK: the ${where} must be a list (got ${shown(output)})${outputKey ? "" : "; set outputKey to the list's field"}`);
}
