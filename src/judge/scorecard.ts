import type { Evaluation, ExampleResult } from "../types.js";
import { type GateResult, gate } from "./gate.js";
import { passes } from "./passes.js";
import { defaultPassBar, type Thresholds } from "./thresholds.js";

/** What one evaluator scored over a run, as the scorecard shows it. */
export interface EvaluatorScores {
  mean: number | null;
  scored: number;
  errors: number;
  /** Task calls whose evaluation passed the `pass` bar, out of the calls it applies to (a task error counts as not passing). */
  passed: number;
  /** Task calls it applies to: every call, but those whose task ran and that it did not judge (`rubric` on an example without criteria). */
  calls: number;
  passRate: number | null;
  /** With repetitions: share of examples with one passing repetition, and with every repetition passing. */
  passAtK: number | null;
  passAllK: number | null;
}

export interface ScorecardSnapshot {
  calls: number;
  errors: number;
  /** Per evaluator, in order: sum, scored, errors, passed, calls. */
  counts: [number, number, number, number, number][];
  /** With repetitions: the example ids in the order first seen, and their bits (base64). */
  examples?: string[];
  bits?: string;
}

const anyPass = 1;
const allPass = 2;
/** The evaluator applied to at least one of the example's calls. */
const applied = 4;

/**
 * Fed one result at a time, it keeps counts per evaluator and, for pass@k and pass^k, two bits per
 * example and evaluator: memory grows with the examples, not with outputs (a million examples: an
 * id and a number each in one Map, and one byte array for all the bits).
 */
export class Scorecard {
  private calls = 0;
  private errors = 0;
  private readonly counts: Map<string, { sum: number; scored: number; errors: number; passed: number; calls: number }>;
  /** Each example's place in `bits`, in the order first seen. */
  private readonly perExample = new Map<string, number>();
  /** `evaluators.length` bytes per example, grown by doubling. */
  private bits = new Uint8Array(0);
  private readonly bars: number[];

  /** One repetition: each call is its own example, and pass@k is the pass rate; no bits are kept. */
  private readonly oneEach: boolean;

  constructor(
    private readonly evaluators: string[],
    thresholds: Thresholds,
    options: { repetitions?: number } = {},
  ) {
    this.oneEach = options.repetitions === 1;
    this.counts = new Map(evaluators.map((name) => [name, { sum: 0, scored: 0, errors: 0, passed: 0, calls: 0 }]));
    this.bars = evaluators.map((name) => thresholds.evaluators[name]?.pass ?? defaultPassBar);
  }

  add(result: ExampleResult): void {
    this.calls++;
    if (result.error !== null) this.errors++;
    const at = this.oneEach ? -1 : this.placeOf(result.exampleId);
    const bits = this.bits;
    // Loops, not forEach and find: this runs for every result, and their closures were a fast run's garbage.
    for (let index = 0; index < this.evaluators.length; index++) {
      const name = this.evaluators[index]!;
      let evaluation: Evaluation | undefined;
      for (const each of result.evaluations) {
        if (each.name !== name) continue;
        evaluation = each;
        break;
      }
      // A call whose task ran and that this evaluator did not judge is not its to count (`rubric` on
      // an example without criteria); a task error counts against every evaluator.
      if (evaluation === undefined && result.status === "ok") continue;
      const entry = this.counts.get(name)!;
      entry.calls++;
      if (evaluation?.error) {
        entry.errors++;
        this.errors++;
      } else if (evaluation && evaluation.score !== null) {
        entry.sum += evaluation.score;
        entry.scored++;
      }
      const passed = evaluation !== undefined && passes(evaluation, this.bars[index]!);
      if (passed) entry.passed++;
      if (at === -1) continue;
      bits[at + index]! |= applied;
      if (passed) bits[at + index]! |= anyPass;
      else bits[at + index]! &= ~allPass;
    }
  }

  /** Where the example's bits start; a new example's start as all passing, none passed yet. */
  private placeOf(exampleId: string): number {
    const width = this.evaluators.length;
    const known = this.perExample.get(exampleId);
    if (known !== undefined) return known * width;
    const index = this.perExample.size;
    this.perExample.set(exampleId, index);
    if ((index + 1) * width > this.bits.length) {
      const grown = new Uint8Array(Math.max(1024, this.bits.length * 2, (index + 1) * width));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits.fill(allPass, index * width, (index + 1) * width);
    return index * width;
  }

  /** The counts and bits as plain data, for a run's checkpoint (the example ids too, when bits are kept). */
  snapshot(): ScorecardSnapshot {
    const width = this.evaluators.length;
    return {
      calls: this.calls,
      errors: this.errors,
      counts: this.evaluators.map((name) => {
        const { sum, scored, errors, passed, calls } = this.counts.get(name)!;
        return [sum, scored, errors, passed, calls];
      }),
      ...(this.oneEach ? {} : { examples: [...this.perExample.keys()], bits: Buffer.from(this.bits.subarray(0, this.perExample.size * width)).toString("base64") }),
    };
  }

  /** Takes a checkpoint's counts and bits as its own; false (nothing changed) when they do not fit this scorecard. */
  restore(snapshot: ScorecardSnapshot): boolean {
    const width = this.evaluators.length;
    if (snapshot.counts.length !== width || snapshot.counts.some((entry) => entry.length !== 5) || this.oneEach !== (snapshot.examples === undefined)) return false;
    const bits = snapshot.bits === undefined ? new Uint8Array(0) : new Uint8Array(Buffer.from(snapshot.bits, "base64"));
    if (bits.length !== (snapshot.examples?.length ?? 0) * width) return false;
    this.calls = snapshot.calls;
    this.errors = snapshot.errors;
    this.evaluators.forEach((name, index) => {
      const [sum, scored, errors, passed, calls] = snapshot.counts[index]!;
      this.counts.set(name, { sum, scored, errors, passed, calls });
    });
    this.perExample.clear();
    for (const [index, id] of (snapshot.examples ?? []).entries()) this.perExample.set(id, index);
    this.bits = bits;
    return true;
  }

  /** Task calls and distinct examples seen, and task plus evaluator errors among them. */
  get totals(): { calls: number; examples: number; errors: number } {
    return { calls: this.calls, examples: this.oneEach ? this.calls : this.perExample.size, errors: this.errors };
  }

  scores(): Record<string, EvaluatorScores> {
    const share = (count: number, of: number) => (of > 0 ? count / of : null);
    return Object.fromEntries(
      this.evaluators.map((name, index) => {
        const { sum, scored, errors, passed, calls } = this.counts.get(name)!;
        let any = this.oneEach ? passed : 0;
        let all = this.oneEach ? passed : 0;
        let examples = this.oneEach ? calls : 0;
        const width = this.evaluators.length;
        for (let at = index; at < this.perExample.size * width; at += width) {
          if (!(this.bits[at]! & applied)) continue;
          examples++;
          if (this.bits[at]! & anyPass) any++;
          if (this.bits[at]! & allPass) all++;
        }
        const scores: EvaluatorScores = {
          mean: share(sum, scored),
          scored,
          errors,
          passed,
          calls,
          passRate: share(passed, calls),
          passAtK: share(any, examples),
          passAllK: share(all, examples),
        };
        return [name, scores];
      }),
    );
  }

  /**
   * Every threshold gate of the experiment, pass or fail. `partial` (a dry run, a limited or
   * interrupted run, a shard): every gate but max_errors is shown as not applied; max_errors
   * judges the part's own calls (a share of its own planned calls), since errors fail it.
   */
  gates(experiment: string, thresholds: Thresholds, options: { planned: number; partial: boolean }): GateResult[] {
    const scores = this.scores();
    const gates: GateResult[] = [];
    if (thresholds.maxErrors) {
      const allowed = "count" in thresholds.maxErrors ? thresholds.maxErrors.count : Math.floor((thresholds.maxErrors.percent / 100) * options.planned);
      gates.push(gate(experiment, "max_errors", null, this.errors, allowed));
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
