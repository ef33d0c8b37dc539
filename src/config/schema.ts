import { z } from "zod";
import { namePartProblem } from "./name-part.js";
import { isWholeNumber, maxTimeoutMs, ranges, type WholeRange, wholeNumberRule } from "./whole-number.js";

const wholeNumber = (range: WholeRange) => {
  const message = `expected ${wholeNumberRule(range)}`;
  return z.number({ error: message }).refine((value) => isWholeNumber(value, range), message);
};

const nameField = z.string().superRefine((value, context) => {
  const problem = namePartProblem(value);
  if (problem) context.addIssue({ code: "custom", message: problem });
});

const keyList = z.union([z.string(), z.array(z.string())], { error: "expected a column name or a list of column names" });
const metadata = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean()], { error: "expected a string, number or boolean; metadata is flat, so a nested table or a list is not allowed" }),
);

const finite = z.number({ error: "expected a number" }).refine(Number.isFinite, "expected a finite number");
const share = z.number({ error: "expected a share from 0 to 1" }).min(0, "expected a share from 0 to 1").max(1, "expected a share from 0 to 1");

/** `[thresholds]` (DESIGN.md §13): `max_errors`, and per evaluator a mean, or a table of bars. */
const thresholds = z
  .object({
    max_errors: z
      .union([wholeNumber({ min: 0 }), z.string().regex(/^\s*\d+(\.\d+)?%\s*$/, 'expected a whole number of errors such as 3, or a share such as "2%"')], {
        error: 'expected a whole number of errors such as 3, or a share such as "2%"',
      })
      .optional(),
  })
  .catchall(
    z.union([finite, z.strictObject({ mean: finite.optional(), pass: finite.optional(), pass_rate: share.optional(), pass_at_k: share.optional(), pass_all_k: share.optional() })], {
      error: "expected a mean score such as 0.8, or a table with mean, pass, pass_rate, pass_at_k, pass_all_k",
    }),
  );

/** `[baseline]` (DESIGN.md §14). */
const baseline = z.strictObject({
  ref: z.string().min(1).optional(),
  max_mean_drop: z.number().min(0, "expected a drop of 0 or more, such as 0.02").optional(),
  max_regressions: wholeNumber({ min: 0 }).optional(),
});

/** Keys shared by `[experiments]` in the root file and by an experiment folder's own file. */
const runKeys = {
  timeout: wholeNumber(ranges.timeout).optional(),
  load_timeout: wholeNumber(ranges.timeout).optional(),
  repetitions: wholeNumber(ranges.atLeastOne).optional(),
  example_concurrency: wholeNumber(ranges.atLeastOne).optional(),
  metadata: metadata.optional(),
};

export const rootConfigSchema = z.strictObject({
  experiments: z
    .strictObject({
      dir: z.string().min(1).optional(),
      prefix: nameField.optional(),
      concurrency: wholeNumber(ranges.atLeastOne).optional(),
      retries: wholeNumber({ min: 0 }).optional(),
      ...runKeys,
    })
    .optional(),
  dataset: z
    .strictObject({
      csv_path: z.string().min(1).optional(),
      on_exist: z.enum(["skip", "overwrite", "append"], { error: "expected skip, overwrite or append" }).optional(),
      input_keys: keyList.optional(),
      output_keys: keyList.optional(),
      tag_column: z.string().min(1).optional(),
      delimiter: z.string().min(1).optional(),
    })
    .optional(),
  phoenix: z
    .strictObject({
      base_url: z.url("expected a URL such as http://localhost:6006").optional(),
      headers: z.record(z.string(), z.string()).optional(),
      traces: z.boolean({ error: "expected true or false" }).optional(),
    })
    .optional(),
  local: z
    .strictObject({
      datasets_dir: z.string().min(1).optional(),
      runs_dir: z.string().min(1).optional(),
    })
    .optional(),
  cache: z
    .strictObject({
      mode: z.enum(["off", "read", "write", "readwrite"], { error: "expected off, read, write or readwrite" }).optional(),
      /** Extras in every task call's key, for what the code does not show (a model name, say). */
      key: z.string().optional(),
      dir: z.string().min(1).optional(),
    })
    .optional(),
  thresholds: thresholds.optional(),
  baseline: baseline.optional(),
  report: z.strictObject({ reporters: z.array(z.string().min(1)).optional() }).optional(),
  judge: z
    .strictObject({
      base_url: z.url("expected a URL such as https://api.openai.com/v1").optional(),
      model: z.string().min(1).optional(),
      api_key_env: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected the name of an environment variable, such as OPENAI_API_KEY, not the key itself")
        .meta({ secret: true })
        .optional(),
      concurrency: wholeNumber(ranges.atLeastOne).optional(),
      timeout: wholeNumber({ min: 1, max: maxTimeoutMs }).optional(),
      retries: wholeNumber({ min: 0 }).optional(),
      cache: z.boolean().optional(),
    })
    .optional(),
});

/** An experiment folder's own evalwire.toml: keys for that experiment alone. */
export const experimentConfigSchema = z.strictObject({
  dataset: nameField.optional(),
  dataset_version: z.string().min(1).optional(),
  splits: z.array(z.string().min(1)).optional(),
  ...runKeys,
  thresholds: thresholds.optional(),
});

export type RootConfig = z.infer<typeof rootConfigSchema>;
export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;
