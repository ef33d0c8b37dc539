import type { EvaluatorArgs, Score } from "../types.js";
import { expectedValues, outputValue, type FieldOptions } from "./expected.js";

/**
 * Ranking quality: for each expected item, `1 - position / k` when it appears in the first k
 * items of the output list, else 0; the score is the mean over expected items (as the Python
 * evalwire's top_k).
 */
export function topK(options: FieldOptions & { k?: number } = {}) {
  const k = options.k ?? 20;
  return ({ output, expected }: EvaluatorArgs): Score => {
    const ranked = outputValue(output, options.outputKey);
    if (!Array.isArray(ranked)) throw new TypeError(`top_k expects the output${options.outputKey ? `.${options.outputKey}` : ""} to be a list`);
    const top = ranked.slice(0, k).map((item) => JSON.stringify(item));
    const wanted = expectedValues(expected, options.expectedKey).filter((value) => value !== "" && value !== null && value !== undefined);
    if (wanted.length === 0) return { score: null, label: "no expected items", explanation: null };
    const scores = wanted.map((value) => {
      const position = top.indexOf(JSON.stringify(value));
      return position === -1 ? 0 : 1 - position / k;
    });
    const missing = wanted.filter((_, index) => scores[index] === 0);
    return {
      score: scores.reduce((sum, value) => sum + value, 0) / scores.length,
      label: null,
      explanation: missing.length > 0 ? `not in the top ${k}: ${missing.map((v) => JSON.stringify(v)).join(", ")}` : null,
    };
  };
}
