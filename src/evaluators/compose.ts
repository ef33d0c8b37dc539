import type { EvaluatorArgs, EvaluatorFn, Score } from "../types.js";
import type { BuiltInEvaluator } from "./built-in.js";
import { atPath, checkOptions, type FieldOptions, shown } from "./options.js";

/**
 * `outputKey` / `expectedKey` on a composition narrow what its evaluators see: `output` becomes the
 * output's `outputKey` field, and `expected` becomes `{ expected_output: <expected's expectedKey field> }`.
 */
export type ComposeOptions = FieldOptions;

/**
 * The weighted mean of evaluators' scores (weights are normalised; each from 0 up, at least one
 * above 0). Each evaluator must give a score in [0, 1] (true/false count 1/0).
 */
export function weighted(entries: [EvaluatorFn, number][], options: ComposeOptions = {}): BuiltInEvaluator<Promise<Score>> {
  const checked = checkOptions<ComposeOptions>("weighted", options);
  if (!Array.isArray(entries) || entries.length === 0) throw new TypeError(`weighted: give a non-empty list of [evaluator, weight] (got ${shown(entries)})`);
  entries.forEach((entry, index) => {
    const [fn, weight] = Array.isArray(entry) ? entry : [];
    if (!Array.isArray(entry) || entry.length !== 2 || typeof fn !== "function" || typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
      throw new TypeError(`weighted: entry ${index + 1} must be [evaluator, weight] with a weight from 0 up (got ${shown(entry)})`);
    }
  });
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (total === 0) throw new TypeError("weighted: the weights add up to 0; at least one must be above 0");
  const normalised = entries.map(([fn, weight]) => [fn, weight / total] as const);
  return async (args: EvaluatorArgs): Promise<Score> => {
    const inner = narrow(args, checked);
    const scores = await Promise.all(normalised.map(async ([fn], index) => scoreOf(await fn(inner), "weighted", index)));
    return {
      score: scores.reduce((sum, score, index) => sum + score * normalised[index]![1], 0),
      label: null,
      explanation: scores.map((score, index) => `${round(normalised[index]![1])}×${round(score)}`).join(" + "),
    };
  };
}

/** 1 when every evaluator passes (a score above 0, as Python's truthiness); stops at the first that fails. */
export function allPass(evaluators: EvaluatorFn[], options: ComposeOptions = {}): BuiltInEvaluator<Promise<Score>> {
  return passes("allPass", evaluators, options, true);
}

/** 1 when at least one evaluator passes (a score above 0); stops at the first that passes. */
export function anyPass(evaluators: EvaluatorFn[], options: ComposeOptions = {}): BuiltInEvaluator<Promise<Score>> {
  return passes("anyPass", evaluators, options, false);
}

function passes(factory: string, evaluators: EvaluatorFn[], options: ComposeOptions, all: boolean) {
  const checked = checkOptions<ComposeOptions>(factory, options);
  if (!Array.isArray(evaluators) || evaluators.length === 0) throw new TypeError(`${factory}: give a non-empty list of evaluators (got ${shown(evaluators)})`);
  const notFunction = evaluators.findIndex((fn) => typeof fn !== "function");
  if (notFunction !== -1) throw new TypeError(`${factory}: entry ${notFunction + 1} is not an evaluator function (got ${shown(evaluators[notFunction])})`);
  return async (args: EvaluatorArgs): Promise<Score> => {
    const inner = narrow(args, checked);
    for (const [index, fn] of evaluators.entries()) {
      const result = await fn(inner);
      const pass = scoreOf(result, factory, index) > 0;
      if (pass === all) continue;
      const why = (result as { explanation?: unknown } | null)?.explanation;
      const explanation = `evaluator ${index + 1} ${pass ? "passed" : "failed"}${typeof why === "string" && why !== "" ? `: ${why}` : ""}`;
      return { score: pass ? 1 : 0, label: pass ? "pass" : "fail", explanation };
    }
    return { score: all ? 1 : 0, label: all ? "pass" : "fail", explanation: all ? null : "no evaluator passed" };
  };
}

function narrow(args: EvaluatorArgs, options: ComposeOptions): EvaluatorArgs {
  if (options.outputKey === undefined && options.expectedKey === undefined) return args;
  return {
    ...args,
    output: atPath(args.output, options.outputKey),
    expected: options.expectedKey === undefined ? args.expected : { expected_output: atPath(args.expected, options.expectedKey) },
  };
}

/** An evaluator's result as a score in [0, 1]; anything else is an error naming the evaluator. */
function scoreOf(result: unknown, factory: string, index: number): number {
  const score = typeof result === "boolean" ? (result ? 1 : 0) : typeof result === "number" ? result : result && typeof result === "object" ? (result as { score?: unknown }).score : undefined;
  if (typeof score !== "number" || !(score >= 0 && score <= 1)) {
    throw new Error(`${factory}: evaluator ${index + 1} gave ${shown(result)}; a score in [0, 1] (or true/false) is needed`);
  }
  return score;
}

function round(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
