import type { Evaluation } from "../types.js";

/** Mean score per evaluator over task calls, errors and missing scores left out (as the Python evalwire does). */
export class ScoreMeans {
  private readonly sums = new Map<string, { sum: number; scored: number }>();

  /** `names`: evaluators that have a mean (null) even when no call scored them. */
  constructor(names: Iterable<string> = []) {
    for (const name of names) this.sums.set(name, { sum: 0, scored: 0 });
  }

  add(evaluations: readonly Pick<Evaluation, "name" | "score" | "error">[]): void {
    for (const evaluation of evaluations) {
      let entry = this.sums.get(evaluation.name);
      if (!entry) {
        entry = { sum: 0, scored: 0 };
        this.sums.set(evaluation.name, entry);
      }
      if (evaluation.error === null && evaluation.score !== null) {
        entry.sum += evaluation.score;
        entry.scored++;
      }
    }
  }

  /** Each evaluator's mean, null when none of its scores counted. */
  means(): Record<string, number | null> {
    return Object.fromEntries([...this.sums].map(([name, { sum, scored }]) => [name, scored > 0 ? sum / scored : null]));
  }
}
