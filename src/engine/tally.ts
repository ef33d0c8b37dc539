import type { EvaluatorSummary, ExampleResult } from "../types.js";

/** Running totals for one experiment, so no result has to be kept in memory. */
export class Tally {
  completed = 0;
  taskErrors = 0;
  evaluatorErrors = 0;
  private readonly sums = new Map<string, { sum: number; scored: number; errors: number }>();

  constructor(evaluatorNames: string[]) {
    this.track(evaluatorNames);
  }

  /** Evaluators known only later (a resumed run's results are counted before the rubric's name is). */
  track(evaluatorNames: string[]): void {
    for (const name of evaluatorNames) if (!this.sums.has(name)) this.sums.set(name, { sum: 0, scored: 0, errors: 0 });
  }

  add(result: ExampleResult): void {
    this.completed++;
    if (result.status !== "ok") this.taskErrors++;
    for (const evaluation of result.evaluations) {
      if (!this.sums.has(evaluation.name)) this.track([evaluation.name]);
      const entry = this.sums.get(evaluation.name)!;
      if (evaluation.error !== null) {
        entry.errors++;
        this.evaluatorErrors++;
      } else if (evaluation.score !== null) {
        entry.sum += evaluation.score;
        entry.scored++;
      }
    }
  }

  evaluators(): Record<string, EvaluatorSummary> {
    return Object.fromEntries([...this.sums].map(([name, { sum, scored, errors }]) => [name, { mean: scored > 0 ? sum / scored : null, scored, errors }]));
  }
}
