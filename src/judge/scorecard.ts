import type { ExampleResult } from "../types.js";
import { type GateResult, gate } from "./gate.js";
import { passes } from "./passes.js";
import { defaultPassBar, type Thresholds } from "./thresholds.js";

/** What one evaluator scored over a run, as the scorecard shows it. */
export interface EvaluatorScores {
  mean: number | null;
  scored: number;
  errors: number;
  /** Task calls whose evaluation passed the `pass` bar, out of every task call (a task error counts as not passing). */
  passed: number;
  calls: number;
  passRate: number | null;
  /** With repetitions: share of examples with one passing repetition, and with every repetition passing. */
  passAtK: number | null;
  passAllK: number | null;
}

const anyPass = 1;
const allPass = 2;

/**
 * Fed one result at a time, it keeps counts per evaluator and, for pass@k and pass^k, two bits per
 * example and evaluator: memory grows with the examples, not with outputs.
 */
export class Scorecard {
  private calls = 0;
  private errors = 0;
  private readonly counts: Map<string, { sum: number; scored: number; errors: number; passed: number }>;
  private readonly perExample = new Map<string, Uint8Array>();
  private readonly bars: number[];

  constructor(
    private readonly evaluators: string[],
    thresholds: Thresholds,
  ) {
    this.counts = new Map(evaluators.map((name) => [name, { sum: 0, scored: 0, errors: 0, passed: 0 }]));
    this.bars = evaluators.map((name) => thresholds.evaluators[name]?.pass ?? defaultPassBar);
  }

  add(result: ExampleResult): void {
    this.calls++;
    if (result.error !== null) this.errors++;
    let bits = this.perExample.get(result.exampleId);
    if (!bits) {
      bits = new Uint8Array(this.evaluators.length).fill(allPass);
      this.perExample.set(result.exampleId, bits);
    }
    this.evaluators.forEach((name, index) => {
      const evaluation = result.evaluations.find((each) => each.name === name);
      const entry = this.counts.get(name)!;
      if (evaluation?.error) {
        entry.errors++;
        this.errors++;
      } else if (evaluation && evaluation.score !== null) {
        entry.sum += evaluation.score;
        entry.scored++;
      }
      if (evaluation && passes(evaluation, this.bars[index]!)) {
        entry.passed++;
        bits[index]! |= anyPass;
      } else bits[index]! &= ~allPass;
    });
  }

  /** Task calls and distinct examples seen, and task plus evaluator errors among them. */
  get totals(): { calls: number; examples: number; errors: number } {
    return { calls: this.calls, examples: this.perExample.size, errors: this.errors };
  }

  scores(): Record<string, EvaluatorScores> {
    const examples = this.perExample.size;
    const share = (count: number, of: number) => (of > 0 ? count / of : null);
    return Object.fromEntries(
      this.evaluators.map((name, index) => {
        const { sum, scored, errors, passed } = this.counts.get(name)!;
        let any = 0;
        let all = 0;
        for (const bits of this.perExample.values()) {
          if (bits[index]! & anyPass) any++;
          if (bits[index]! & allPass) all++;
        }
        const scores: EvaluatorScores = {
          mean: share(sum, scored),
          scored,
          errors,
          passed,
          calls: this.calls,
          passRate: share(passed, this.calls),
          passAtK: share(any, examples),
          passAllK: share(all, examples),
        };
        return [name, scores];
      }),
    );
  }

  /**
   * Every threshold gate of the experiment, pass or fail. `partial` (a dry run, a limited or
   * interrupted run): every gate is shown as not applied.
   */
  gates(experiment: string, thresholds: Thresholds, options: { planned: number; partial: boolean }): GateResult[] {
    const scores = this.scores();
    const gates: GateResult[] = [];
    if (thresholds.maxErrors) {
      const allowed = "count" in thresholds.maxErrors ? thresholds.maxErrors.count : Math.floor((thresholds.maxErrors.percent / 100) * options.planned);
      gates.push(gate(experiment, "max_errors", null, this.errors, allowed, options.partial));
    }
    for (const [name, threshold] of Object.entries(thresholds.evaluators)) {
      const measured = scores[name];
      if (!measured) continue;
      if (threshold.mean !== undefined) gates.push(gate(experiment, "mean", name, measured.mean, threshold.mean, options.partial));
      if (threshold.pass_rate !== undefined) gates.push(gate(experiment, "pass_rate", name, measured.passRate, threshold.pass_rate, options.partial));
      if (threshold.pass_at_k !== undefined) gates.push(gate(experiment, "pass_at_k", name, measured.passAtK, threshold.pass_at_k, options.partial));
      if (threshold.pass_all_k !== undefined) gates.push(gate(experiment, "pass_all_k", name, measured.passAllK, threshold.pass_all_k, options.partial));
    }
    return gates;
  }
}
