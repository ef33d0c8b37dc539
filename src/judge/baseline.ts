import type { RecordedResult, RecordedRun } from "../runs/recorded-run.js";
import { type GateResult, gate } from "./gate.js";
import { passes } from "./passes.js";
import { ScoreMeans } from "./score-means.js";
import { defaultPassBar, type Thresholds } from "./thresholds.js";

/** How a run compares with its baseline (§14), as the summary and the reports show it. */
export interface BaselineReport {
  /** The reference as given (`latest`, a name, a path, a Phoenix id) and the run it found. */
  ref: string;
  name: string;
  location: string;
  evaluators: Record<string, { baseline: number | null; current: number | null; delta: number | null }>;
  /** Task calls matched by example id and repetition. */
  regressed: number;
  fixed: number;
  new: number;
  missing: number;
  /** The first few, to show. */
  regressedIds: string[];
  fixedIds: string[];
}

export interface BaselineGates {
  maxMeanDrop?: number;
  maxRegressions?: number;
}

export interface BaselineSnapshot {
  /** Where the baseline compared with was found. */
  baseline: string;
  counts: { regressed: number; fixed: number; new: number };
  regressedIds: string[];
  fixedIds: string[];
}

const idsShown = 10;

/** Whether a whole task call passed: no task error, and every evaluation at or above its `pass` bar. */
export function callPasses(result: Pick<RecordedResult, "error" | "evaluations">, bar: (evaluator: string) => number): boolean {
  return result.error === null && result.evaluations.every((evaluation) => passes(evaluation, bar(evaluation.name)));
}

const key = (result: { exampleId: string; repetition: number }) => `${result.exampleId}\u0000${result.repetition}`;
const shownId = (result: { exampleId: string; repetition: number }) => (result.repetition > 1 ? `${result.exampleId} (repetition ${result.repetition})` : result.exampleId);

/** Each evaluator's pass (1) or fail (0) in one task call, in the order of `names`; a task error fails them all. */
function passBits(result: Pick<RecordedResult, "error" | "evaluations">, names: string[], bar: (evaluator: string) => number): string {
  return names
    .map((name) => {
      const evaluation = result.evaluations.find((e) => e.name === name);
      if (result.error !== null) return "0";
      if (!evaluation) return "-";
      return passes(evaluation, bar(name)) ? "1" : "0";
    })
    .join("");
}

/**
 * Compares the current run with a baseline, one current result at a time, per evaluator: a task
 * call regressed when an evaluator that passed its bar in the baseline fails it now (a task error
 * fails every evaluator); it is fixed when one went the other way and none regressed. Memory: one
 * character per evaluator and baseline task call, and a running mean per evaluator.
 */
export class BaselineComparison {
  private readonly counts = { regressed: 0, fixed: 0, new: 0 };
  private readonly regressedIds: string[] = [];
  private readonly fixedIds: string[] = [];

  private constructor(
    private readonly baseline: RecordedRun,
    private readonly names: string[],
    private readonly passedBefore: Map<string, string>,
    private readonly baselineMeans: Record<string, number | null>,
    private readonly bar: (evaluator: string) => number,
  ) {}

  /**
   * Reads the baseline's results. The `pass` bars are the current run's, so both sides are judged
   * alike. `inRun` keeps only the baseline's task calls the current run plans (a shard's): its means
   * are then over the same calls, and the calls of other shards are not missing.
   */
  static async load(baseline: RecordedRun, thresholds: Thresholds, inRun: (exampleId: string, repetition: number) => boolean = () => true): Promise<BaselineComparison> {
    const bar = (evaluator: string) => thresholds.evaluators[evaluator]?.pass ?? defaultPassBar;
    const results = [];
    const names = [...baseline.evaluators];
    const scores = new ScoreMeans(baseline.evaluators);
    for await (const result of baseline.results()) {
      if (!inRun(result.exampleId, result.repetition)) continue;
      for (const evaluation of result.evaluations) if (!names.includes(evaluation.name)) names.push(evaluation.name);
      results.push({ key: key(result), bits: passBits(result, names, bar) });
      scores.add(result.evaluations);
    }
    const means = scores.means();
    // An evaluator first seen late is "-" (absent) in the task calls read before it.
    const passed = new Map(results.map(({ key, bits }) => [key, bits.padEnd(names.length, "-")]));
    return new BaselineComparison(baseline, names, passed, means, bar);
  }

  add(result: Pick<RecordedResult, "exampleId" | "repetition" | "error" | "evaluations">): void {
    const before = this.passedBefore.get(key(result));
    this.passedBefore.delete(key(result));
    if (before === undefined) {
      this.counts.new++;
      return;
    }
    const now = passBits(result, this.names, this.bar);
    let fell = false;
    let rose = false;
    for (let i = 0; i < this.names.length; i++) {
      if (before[i] === "1" && now[i] === "0") fell = true;
      if (before[i] === "0" && now[i] === "1") rose = true;
    }
    if (fell) {
      this.counts.regressed++;
      if (this.regressedIds.length < idsShown) this.regressedIds.push(shownId(result));
    } else if (rose) {
      this.counts.fixed++;
      if (this.fixedIds.length < idsShown) this.fixedIds.push(shownId(result));
    }
  }

  /** What the comparison has counted, for a run's checkpoint; the baseline itself is read again on resume. */
  snapshot(): BaselineSnapshot {
    return { baseline: this.baseline.location, counts: { ...this.counts }, regressedIds: [...this.regressedIds], fixedIds: [...this.fixedIds] };
  }

  get baselineLocation(): string {
    return this.baseline.location;
  }

  /** Takes a checkpoint's counts as its own (one that compared with this baseline), the calls `done` says were made no longer missing. */
  restore(snapshot: BaselineSnapshot, done: (exampleId: string, repetition: number) => boolean): void {
    Object.assign(this.counts, snapshot.counts);
    this.regressedIds.splice(0, Infinity, ...snapshot.regressedIds);
    this.fixedIds.splice(0, Infinity, ...snapshot.fixedIds);
    for (const call of this.passedBefore.keys()) {
      const cut = call.lastIndexOf("\u0000");
      if (done(call.slice(0, cut), Number(call.slice(cut + 1)))) this.passedBefore.delete(call);
    }
  }

  /** The comparison, given the current run's means; what the baseline had and this run never reached is missing. */
  report(currentMeans: Record<string, number | null>): BaselineReport {
    const names = [...new Set([...Object.keys(this.baselineMeans), ...Object.keys(currentMeans)])].sort();
    const evaluators = Object.fromEntries(
      names.map((name) => {
        const baseline = this.baselineMeans[name] ?? null;
        const current = currentMeans[name] ?? null;
        return [name, { baseline, current, delta: baseline !== null && current !== null ? current - baseline : null }];
      }),
    );
    return {
      ref: this.baseline.ref,
      name: this.baseline.name,
      location: this.baseline.location,
      evaluators,
      ...this.counts,
      missing: this.passedBefore.size,
      regressedIds: [...this.regressedIds],
      fixedIds: [...this.fixedIds],
    };
  }
}

/** §14's gates, applied only when a baseline was compared: a mean that dropped too far, too many regressions. */
export function baselineGates(experiment: string, report: BaselineReport, options: BaselineGates, partial: boolean): GateResult[] {
  const gates: GateResult[] = [];
  if (options.maxMeanDrop !== undefined) {
    for (const [name, { baseline, current }] of Object.entries(report.evaluators)) {
      if (baseline === null || current === null) continue;
      gates.push(gate(experiment, "max_mean_drop", name, baseline - current, options.maxMeanDrop, partial));
    }
  }
  if (options.maxRegressions !== undefined) gates.push(gate(experiment, "max_regressions", null, report.regressed, options.maxRegressions, partial));
  return gates;
}
