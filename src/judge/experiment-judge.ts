import { inShard, type Shard } from "../engine/shard.js";
import { firstLine } from "../errors.js";
import type { Phoenix } from "../phoenix/client.js";
import type { PhoenixServer } from "../phoenix/connection.js";
import { findRun } from "../runs/find-run.js";
import type { ExampleResult } from "../types.js";
import { BaselineComparison, type BaselineGates, type BaselineReport, type BaselineSnapshot, baselineGates } from "./baseline.js";
import { type GateResult, gatesFailure } from "./gate.js";
import { type EvaluatorScores, Scorecard, type ScorecardSnapshot } from "./scorecard.js";
import { defaultPassBar, type Thresholds } from "./thresholds.js";

/** How one experiment was judged (§13, §14): what the summary and every report show beside its counts. */
export interface Judgement {
  /** Every gate, pass, fail or not applied. */
  gates: GateResult[];
  scores: Record<string, EvaluatorScores>;
  /** The `pass` bar of each evaluator. */
  passBars: Record<string, number>;
  baseline: BaselineReport | null;
  /** Why the baseline named could not be found or read: this fails the experiment. */
  baselineError: string | null;
  /** Some example ran more than once: pass@k and pass^k mean something. */
  repeated: boolean;
  /** A dry, limited or interrupted run: gates shown, never failed on. */
  partial: boolean;
  /** With max_errors set, errors fail the experiment only through its gate. */
  maxErrorsSet: boolean;
  /** The failure line from the judgement alone (failed gates, a missing baseline), or null. */
  failure: string | null;
}

export interface JudgeSnapshot {
  /** The evaluators, their pass bars and the repetitions, as a key: a checkpoint judged otherwise is not used. */
  judgedBy: string;
  scorecard: ScorecardSnapshot;
  baseline?: BaselineSnapshot;
}

export interface BaselineOptions extends BaselineGates {
  ref: string;
  runsDir: string;
  /** Always a Phoenix (openPhoenix, phoenixBackend); named by a type that does not bring in @arizeai/phoenix-client's. */
  phoenix?: PhoenixServer | null;
}

/** Judges one experiment as its results arrive; memory stays bounded (see Scorecard, BaselineComparison). */
export class ExperimentJudge {
  private readonly scorecard: Scorecard;

  private constructor(
    private readonly experiment: string,
    private readonly evaluators: string[],
    private readonly thresholds: Thresholds,
    private readonly comparison: BaselineComparison | null,
    private readonly baselineOptions: BaselineOptions | null,
    private readonly baselineError: string | null,
    private readonly repetitions: number | undefined,
  ) {
    this.scorecard = new Scorecard(evaluators, thresholds, repetitions === undefined ? {} : { repetitions });
  }

  /**
   * Ready to take results once the baseline (if any) is read. `currentRun` is the folder name of
   * the run in progress, so `latest` never finds it. `repetitions`, when known, lets a run of one
   * repetition keep nothing per example. Never throws: a baseline that cannot be read
   * becomes the experiment's failure.
   */
  static async start(options: {
    experiment: string;
    evaluators: string[];
    thresholds: Thresholds;
    baseline: BaselineOptions | null;
    currentRun: string | null;
    repetitions?: number;
    /** The shard this run makes: the baseline is compared on that shard's calls alone. */
    shard?: Shard | null;
  }): Promise<ExperimentJudge> {
    const { experiment, evaluators, thresholds, baseline, repetitions, shard = null } = options;
    if (!baseline) return new ExperimentJudge(experiment, evaluators, thresholds, null, null, null, repetitions);
    try {
      const run = await findRun(baseline.ref, { runsDir: baseline.runsDir, phoenix: (baseline.phoenix as Phoenix | null | undefined) ?? null, experiment, exclude: options.currentRun });
      const comparison = await BaselineComparison.load(run, thresholds, (id, repetition) => inShard(shard, id, repetition));
      return new ExperimentJudge(experiment, evaluators, thresholds, comparison, baseline, null, repetitions);
    } catch (error) {
      return new ExperimentJudge(experiment, evaluators, thresholds, null, baseline, `baseline ${firstLine(error).replace(/^baseline /, "")}`, repetitions);
    }
  }

  add(result: ExampleResult): void {
    this.scorecard.add(result);
    this.comparison?.add(result);
  }

  /** What the judge has counted, for a run's checkpoint, with what it was judged by. */
  snapshot(): JudgeSnapshot {
    return { judgedBy: this.judgedBy(), scorecard: this.scorecard.snapshot(), ...(this.comparison ? { baseline: this.comparison.snapshot() } : {}) };
  }

  /**
   * Takes a checkpoint's counts as its own, `done` telling which calls it covers. False, with
   * nothing changed, when it was judged by other evaluators, bars, repetitions or baseline.
   */
  restore(snapshot: JudgeSnapshot, done: (exampleId: string, repetition: number) => boolean): boolean {
    if (snapshot.judgedBy !== this.judgedBy() || (snapshot.baseline?.baseline ?? null) !== (this.comparison?.baselineLocation ?? null)) return false;
    if (!this.scorecard.restore(snapshot.scorecard)) return false;
    if (this.comparison && snapshot.baseline) this.comparison.restore(snapshot.baseline, done);
    return true;
  }

  private judgedBy(): string {
    return JSON.stringify([this.evaluators, this.evaluators.map((name) => this.thresholds.evaluators[name]?.pass ?? defaultPassBar), this.repetitions ?? null]);
  }

  /** `limited`: the examples were a selection (`--limit`, `--sample`, `--example`), so no gate applies. */
  finish(options: { planned: number; completed: number; dryRun: boolean; interrupted: boolean; limited?: boolean }): Judgement {
    const partial = options.dryRun || options.limited === true || options.interrupted || options.completed < options.planned;
    const scores = this.scorecard.scores();
    const gates = this.scorecard.gates(this.experiment, this.thresholds, { planned: options.planned, partial });
    const baseline = this.comparison ? this.comparison.report(Object.fromEntries(Object.entries(scores).map(([name, s]) => [name, s.mean]))) : null;
    if (baseline && this.baselineOptions) gates.push(...baselineGates(this.experiment, baseline, this.baselineOptions, partial));
    const passBars = Object.fromEntries(this.evaluators.map((name) => [name, this.thresholds.evaluators[name]?.pass ?? defaultPassBar]));
    const failure = [this.baselineError, gatesFailure(gates)].filter((line) => line !== null).join("; ") || null;
    const { calls, examples } = this.scorecard.totals;
    return { gates, scores, passBars, baseline, baselineError: this.baselineError, repeated: calls > examples, partial, maxErrorsSet: this.thresholds.maxErrors !== undefined, failure };
  }
}
