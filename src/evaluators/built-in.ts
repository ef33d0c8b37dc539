import type { EvaluatorArgs, Score } from "../types.js";

/**
 * What a built-in factory returns. It reads any experiment's arguments (it checks their shape
 * itself), so it fits a typed experiment whose Input or Expected is an interface: an interface has
 * no index signature, and is not assignable to the default `Record<string, unknown>`.
 */
// biome-ignore lint/suspicious/noExplicitAny: the arguments of every typed experiment are accepted.
export type BuiltInEvaluator<Result = Score> = (args: EvaluatorArgs<any, any, any, any>) => Result;
