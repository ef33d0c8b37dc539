import type { Evaluator, EvaluatorObject, Fields, Task } from "./types.js";

/** Types a task for autocompletion; returns it unchanged. */
export function defineTask<Input = Fields, Output = unknown, Expected = Fields, Metadata = Fields>(task: Task<Input, Output, Expected, Metadata>): Task<Input, Output, Expected, Metadata> {
  return task;
}

/** Types an evaluator for autocompletion; returns it unchanged. */
export function defineEvaluator<Output = unknown, Expected = Fields, Input = Fields, Metadata = Fields>(
  evaluator: Evaluator<Output, Expected, Input, Metadata>,
): Evaluator<Output, Expected, Input, Metadata> {
  return evaluator;
}

/** A task and the evaluators that score it, keyed by name. */
export interface ExperimentDefinition<Input = Fields, Output = unknown, Expected = Fields, Metadata = Fields> {
  task: Task<Input, Output, Expected, Metadata>;
  evaluators: Record<string, Evaluator<Output, Expected, Input, Metadata> | EvaluatorObject<Output, Expected, Input, Metadata>>;
}

/**
 * Ties a task to its evaluators so that the editor checks the task's output against what every
 * evaluator expects; returns the definition unchanged (for `evaluate`).
 */
export function defineExperiment<Input = Fields, Output = unknown, Expected = Fields, Metadata = Fields>(
  definition: ExperimentDefinition<Input, Output, Expected, Metadata>,
): ExperimentDefinition<Input, Output, Expected, Metadata> {
  return definition;
}
