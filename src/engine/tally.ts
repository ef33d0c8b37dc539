import type { EvaluatorSummary, ExampleResult } from "../types.js";

export interface TallySnapshot {
  completed: number;
  taskErrors: number;
  evaluatorErrors: number;
  sums: [name: string, sum: number, scored: number, errors: number][];
}

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

  /** The totals as plain data, for a run's checkpoint. */
  snapshot(): TallySnapshot {
    return {
      completed: this.completed,
      taskErrors: this.taskErrors,
      evaluatorErrors: this.evaluatorErrors,
      sums: [...this.sums].map(([name, entry]) => [name, entry.sum, entry.scored, entry.errors]),
    };
  }

  /** Takes the totals of a checkpoint as its own. */
  restore(snapshot: TallySnapshot): void {
    Object.assign(this, { completed: snapshot.completed, taskErrors: snapshot.taskErrors, evaluatorErrors: snapshot.evaluatorErrors });
    for (const [name, sum, scored, errors] of snapshot.sums) this.sums.set(name, { sum, scored, errors });
  }

  evaluators(): Record<string, EvaluatorSummary> {
    return Object.fromEntries([...this.sums].map(([name, { sum, scored, errors }]) => [name, { mean: scored > 0 ? sum / scored : null, scored, errors }]));
  }
}
