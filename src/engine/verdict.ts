import type { Judgement } from "../judge/experiment-judge.js";
import type { ExperimentStatus } from "../types.js";

export const escapedLine = "an error escaped the task or an evaluator (not awaited, or thrown in a callback)";

/** Everything that decides whether an experiment passed, counted while it ran. */
export interface ExperimentFacts {
  planned: number;
  completed: number;
  taskErrors: number;
  evaluatorErrors: number;
  /** Why it could not run at all: a load, dataset or recording error. */
  failure: string | null;
  /** The run was stopped (Ctrl-C, or the caller's signal). */
  interrupted: boolean;
  /** Results that a sink could not record, and the first reason. */
  unrecorded: Problem;
  /** Errors that escaped the task or an evaluator (not awaited, thrown in a callback). */
  escaped: Problem;
  /** What a sink found still unrecorded when it drained. */
  drainProblem: string | null;
  /** Its gates and baseline (§13, §14), once its results are in. */
  judgement?: Judgement | null;
}

export interface Problem {
  count: number;
  first: string;
}

export interface Verdict {
  status: ExperimentStatus;
  /** One line saying why, when the reason is not just the error counts. */
  failure: string | null;
}

/** Turns an experiment's facts into its status, and the line that says why it failed. */
export function verdict(facts: ExperimentFacts): Verdict {
  if (facts.failure !== null) return { status: "failed", failure: facts.failure };
  if (facts.interrupted && facts.completed < facts.planned) return { status: "interrupted", failure: null };
  if (facts.unrecorded.count > 0) return { status: "failed", failure: `${facts.unrecorded.count} of ${facts.completed} results not recorded: ${facts.unrecorded.first}` };
  if (facts.drainProblem !== null) return { status: "failed", failure: facts.drainProblem };
  if (facts.escaped.count > 0) {
    const more = facts.escaped.count > 1 ? ` (and ${facts.escaped.count - 1} more)` : "";
    return { status: "failed", failure: `${escapedLine}: ${facts.escaped.first}${more}` };
  }
  // A failed gate or a baseline that cannot be read. A partial run (a dry run, a selection, a shard)
  // applies only its max_errors gate, over its own task calls: a smoke test of a broken task must not pass.
  if (facts.judgement?.failure) return { status: "failed", failure: facts.judgement.failure };
  // With max_errors set, its gate alone judges the errors; without it, any error fails.
  const errors = facts.taskErrors + facts.evaluatorErrors;
  if (errors > 0 && !facts.judgement?.maxErrorsSet) return { status: "failed", failure: null };
  return { status: "passed", failure: null };
}
