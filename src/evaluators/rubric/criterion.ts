import { z } from "zod";
import { namePart } from "../../config/name-part.js";

const text = z.string().min(1);
const texts = z.array(text);
// axon-eval plans write numbers as strings ("20"): both are read.
const numberFromText = (value: unknown) => (typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value);
const wholeNumber = z.preprocess(numberFromText, z.number({ error: "expected a whole number from 0 up" }).int("expected a whole number from 0 up").min(0, "expected a whole number from 0 up"));
const positiveNumber = z.preprocess(numberFromText, z.number({ error: "expected a number above 0" }).positive("expected a number above 0"));

/** Keys every criterion may have. */
const common = {
  /** The evaluator's name; default its type. */
  name: z.string().regex(namePart, "must not contain / or \\").optional(),
  /** Dot path of the output field to check (the factories' outputKey). */
  field: text.optional(),
  /** Dot path of the expected field to compare with (the factories' expectedKey). */
  expected_key: text.optional(),
  /** The lowest score that counts as passing: sets the label to pass or fail. */
  pass: z.number().min(0).max(1).optional(),
};

const criterion = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.strictObject({ type: z.literal(type), ...common, ...shape });

/**
 * One entry of `criteria:` in rubric.yaml (or of an example's `expected.rubric`): a built-in
 * evaluator declared as data. For the comparison types, `value` is the expected value, given here
 * instead of read from the dataset.
 */
export const criterionSchema = z.discriminatedUnion("type", [
  criterion("exact_match", { value: z.unknown().optional() }),
  criterion("is_in", { value: z.array(z.unknown()).optional() }),
  criterion("contains", { value: z.unknown().optional(), ignore_case: z.boolean().optional() }),
  criterion("not_contains", { value: z.union([text, texts.min(1)]).optional(), ignore_case: z.boolean().optional() }),
  criterion("regex_match", { value: text.optional() }),
  criterion("json_match", { value: z.union([z.record(z.string(), z.unknown()), text]).optional(), keys: texts.min(1).optional() }),
  criterion("numeric_close", { value: z.union([z.number(), text]).optional(), atol: z.number().min(0).optional(), rtol: z.number().min(0).optional() }),
  criterion("top_k", { value: z.array(z.unknown()).optional(), k: z.number().int().min(1).optional() }),
  criterion("schema_valid", { value: z.union([z.record(z.string(), z.unknown()), z.boolean()]) }),
  criterion("min_length", { value: wholeNumber }),
  criterion("max_length", { value: wholeNumber }),
  criterion("max_duration_ms", { value: positiveNumber }),
  criterion("tools_used", { expect: texts.optional(), reject: texts.optional() }),
  criterion("tool_call_correctness", {
    expect: z.array(z.strictObject({ name: text, arguments: z.unknown().optional() })).optional(),
    in_order: z.boolean().optional(),
    exact_arguments: z.boolean().optional(),
  }),
  criterion("state_verification", { expect: z.record(text, z.unknown()).optional() }),
  criterion("pii_safety", { allow: z.array(z.enum(["email", "phone", "card"])).optional() }),
  criterion("refusal", { should_refuse: z.boolean().optional(), patterns: texts.optional() }),
  criterion("llm_judge", { criterion: text.optional(), prompt: text.optional(), model: text.optional() }),
]);

export type Criterion = z.output<typeof criterionSchema>;
export type CriterionType = Criterion["type"];
export type CriterionOf<T extends CriterionType> = Extract<Criterion, { type: T }>;

export const rubricSchema = z.strictObject({ criteria: z.array(z.unknown()).min(1, "is empty: declare at least one criterion") });

/** The type names, for messages. */
export const criterionTypes: CriterionType[] = criterionSchema.options.map((option) => option.shape.type.value);
