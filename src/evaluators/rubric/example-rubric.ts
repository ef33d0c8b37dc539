import { normaliseScore } from "../../engine/normalise-score.js";
import { LoadError } from "../../errors.js";
import type { EvaluatorArgs, Example, Score } from "../../types.js";
import type { CompiledCriterion } from "./compile.js";

/** The evaluator that scores each example's own criteria (`expected.rubric`). */
export const exampleRubricName = "rubric";

export function hasExampleRubric(example: Example): boolean {
  const rubric = example.output?.rubric;
  return rubric !== undefined && rubric !== null && rubric !== "";
}

/**
 * The evaluator names of an experiment whose examples are these: one more, `rubric`, when any
 * example's expected output holds criteria. Throws when an evaluator already has that name.
 */
export function withExampleRubricName(names: string[], examples: Iterable<Example> & { outputKeys?: ReadonlySet<string> }): string[] {
  // A streamed dataset knows its expected outputs' keys: no need to read a million examples again.
  if (examples.outputKeys?.has("rubric") === false || !some(examples, hasExampleRubric)) return names;
  if (names.includes(exampleRubricName)) throw new LoadError(`an evaluator is named "${exampleRubricName}", the name of the examples' expected.rubric scores; rename it`);
  return [...names, exampleRubricName];
}

function some<T>(items: Iterable<T>, test: (item: T) => boolean): boolean {
  for (const item of items) if (test(item)) return true;
  return false;
}

/** The evaluators to run on one example: the experiment's, and `rubric` when the example has criteria. */
export function evaluatorsFor<T extends { name: string }>(evaluators: T[], example: Example): (T | typeof exampleRubric)[] {
  return hasExampleRubric(example) ? [...evaluators, exampleRubric] : evaluators;
}

/**
 * Runs the example's criteria (the rubric.yaml shape) and scores their mean; the label is pass
 * when every criterion passed.
 */
const exampleRubric = { name: exampleRubricName, evaluate: scoreExampleRubric };

// Examples often share their criteria: each list is checked and built once.
const compiledByText = new Map<string, CompiledCriterion[]>();

async function scoreExampleRubric(args: EvaluatorArgs): Promise<Score> {
  const criteria = await criteriaOf(args);
  if (criteria.length === 0) return { score: null, label: "no rubric", explanation: null };
  const results = await Promise.all(
    criteria.map(async ({ name, evaluate }) => {
      let value: unknown;
      try {
        value = await evaluate(args);
      } catch (error) {
        throw new Error(`criterion "${name}": ${(error as Error).message ?? String(error)}`);
      }
      const score = normaliseScore(value);
      if ("error" in score) throw new Error(`criterion "${name}": ${score.error}`);
      return { name, ...score };
    }),
  );
  const passed = (result: Score) => (result.label === "pass" ? true : result.label === "fail" ? false : result.score !== null && result.score >= 1);
  const scored = results.filter((result) => result.score !== null);
  const failed = results.filter((result) => !passed(result));
  const explain = (result: Score & { name: string }) => `${result.name} (${result.score ?? result.label}${result.explanation ? `: ${result.explanation}` : ""})`;
  return {
    score: scored.length === 0 ? null : scored.reduce((sum, result) => sum + result.score!, 0) / scored.length,
    label: failed.length === 0 ? "pass" : "fail",
    explanation: `${results.length - failed.length} of ${results.length} criteria passed${failed.length > 0 ? `; not passed: ${failed.map(explain).join("; ")}` : ""}`,
    metadata: { criteria: Object.fromEntries(results.map((result) => [result.name, result.score ?? result.label])) },
  };
}

async function criteriaOf(args: EvaluatorArgs): Promise<CompiledCriterion[]> {
  let entries = args.expected?.rubric;
  if (entries === undefined || entries === null || entries === "") return [];
  // A CSV cell or a Phoenix field may hold the list as JSON text.
  if (typeof entries === "string") {
    try {
      entries = JSON.parse(entries);
    } catch {
      throw new Error(`expected.rubric of example ${args.example.id} is text that is not a JSON list`);
    }
  }
  if (!Array.isArray(entries)) throw new Error(`expected.rubric of example ${args.example.id} must be a list of criteria`);
  const text = JSON.stringify(entries);
  let compiled = compiledByText.get(text);
  if (!compiled) {
    // The criteria's schemas and every built-in load with the first example that has criteria, not in every worker.
    const { compileCriteria } = await import("./compile.js");
    compiled = compileCriteria(entries, `expected.rubric of example ${args.example.id}`);
    compiledByText.set(text, compiled);
  }
  return compiled;
}
