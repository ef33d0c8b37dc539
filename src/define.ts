import type { EvaluatorFn, Task } from "./types.js";

/** Types a task for autocompletion; returns it unchanged. */
export function defineTask<T extends Task>(task: T): T {
  return task;
}

/** Types an evaluator for autocompletion; returns it unchanged. */
export function defineEvaluator<T extends EvaluatorFn>(evaluator: T): T {
  return evaluator;
}
