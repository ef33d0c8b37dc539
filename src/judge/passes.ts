import type { Evaluation } from "../types.js";

/**
 * Whether one evaluation passes its bar (§13 `pass`): a score at or above it. An error never
 * passes; an evaluation with a label and no score passes when the label is "pass".
 */
export function passes(evaluation: Pick<Evaluation, "score" | "label" | "error">, bar: number): boolean {
  if (evaluation.error !== null) return false;
  if (evaluation.score !== null) return evaluation.score >= bar;
  return evaluation.label === "pass";
}
