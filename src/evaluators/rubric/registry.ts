import type { EvaluatorArgs, EvaluatorFn, Score } from "../../types.js";
import { jsonMatch, schemaValid } from "../json.js";
import { llmJudge } from "../judge/llm-judge.js";
import { maxDurationMs, maxLength, minLength } from "../length.js";
import { contains, exactMatch, isIn, notContains, regexMatch } from "../match.js";
import { numericClose } from "../numeric.js";
import type { FieldOptions } from "../options.js";
import { piiSafety } from "../pii.js";
import { refusal } from "../refusal.js";
import { stateVerification } from "../state.js";
import { toolCallCorrectness, toolsUsed } from "../tools.js";
import { topK } from "../top-k.js";
import type { Criterion, CriterionOf, CriterionType } from "./criterion.js";

type Builder<T extends CriterionType> = (criterion: CriterionOf<T>) => EvaluatorFn;

/** Every criterion type and the factory it declares; a type without an entry fails compilation. */
const builders: { [T in CriterionType]: Builder<T> } = {
  exact_match: (c) => comparing(exactMatch(fields(c)), c),
  is_in: (c) => comparing(isIn(fields(c)), c),
  contains: (c) => comparing(contains({ ...fields(c), ignoreCase: c.ignore_case }), c),
  not_contains: (c) => notContains({ ...fields(c), value: c.value, ignoreCase: c.ignore_case }),
  regex_match: (c) => comparing(regexMatch(fields(c)), c),
  json_match: (c) => comparing(jsonMatch({ ...fields(c), keys: c.keys }), c),
  numeric_close: (c) => comparing(numericClose({ ...fields(c), atol: c.atol, rtol: c.rtol }), c),
  top_k: (c) => comparing(topK({ ...fields(c), k: c.k }), c),
  schema_valid: (c) => schemaValid(c.value, fields(c)),
  min_length: (c) => minLength({ ...fields(c), value: c.value }),
  max_length: (c) => maxLength({ ...fields(c), value: c.value }),
  max_duration_ms: (c) => maxDurationMs({ ...fields(c), value: c.value }),
  tools_used: (c) => toolsUsed({ ...fields(c), expect: c.expect, reject: c.reject }),
  tool_call_correctness: (c) => toolCallCorrectness({ ...fields(c), expect: c.expect, inOrder: c.in_order, exactArguments: c.exact_arguments }),
  state_verification: (c) => stateVerification({ ...fields(c), expect: c.expect }),
  pii_safety: (c) => piiSafety({ ...fields(c), allow: c.allow }),
  refusal: (c) => refusal({ ...fields(c), should: c.should_refuse, patterns: c.patterns }),
  llm_judge: (c) => llmJudge({ ...fields(c), criterion: c.criterion, prompt: c.prompt, model: c.model }),
};

/** The evaluator a criterion declares; a wrong option is the factory's TypeError. */
export function buildCriterion(criterion: Criterion): EvaluatorFn {
  const evaluate = (builders[criterion.type] as Builder<CriterionType>)(criterion);
  return criterion.pass === undefined ? evaluate : passingAt(evaluate, criterion.pass);
}

function fields(criterion: Criterion): FieldOptions {
  const options: FieldOptions = {};
  if (criterion.field !== undefined) options.outputKey = criterion.field;
  if (criterion.expected_key !== undefined) options.expectedKey = criterion.expected_key;
  return options;
}

/** A criterion's `value` is the expected value, in place of the dataset's `expected_output`. */
function comparing(evaluate: EvaluatorFn, criterion: Criterion & { value?: unknown }): EvaluatorFn {
  if (criterion.value === undefined) return evaluate;
  if (criterion.expected_key !== undefined) throw new TypeError(`give "value" or "expected_key", not both`);
  const expected = { expected_output: criterion.value };
  return (args: EvaluatorArgs) => evaluate({ ...args, expected });
}

/** The label from the criterion's own bar: pass when the score reaches it. */
function passingAt(evaluate: EvaluatorFn, bar: number): EvaluatorFn {
  return async (args) => {
    const result = (await evaluate(args)) as Score;
    if (typeof result !== "object" || result === null || typeof result.score !== "number") return result;
    return { ...result, label: result.score >= bar ? "pass" : "fail" };
  };
}
