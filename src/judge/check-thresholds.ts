import { z } from "zod";
import { UsageError } from "../errors.js";
import type { Thresholds } from "./thresholds.js";

const finite = z.number({ error: "expected a number" }).refine(Number.isFinite, "expected a finite number");
const share = z.number({ error: "expected a share from 0 to 1" }).min(0, "expected a share from 0 to 1").max(1, "expected a share from 0 to 1");
const bars = z.strictObject(
  { mean: finite.optional(), pass: finite.optional(), pass_rate: share.optional(), pass_at_k: share.optional(), pass_all_k: share.optional() },
  { error: "expected an object of bars such as { mean: 0.8 } (keys: mean, pass, pass_rate, pass_at_k, pass_all_k)" },
);
const count = z.number().int().min(0);
const thresholds = z.strictObject(
  {
    maxErrors: z.union([z.strictObject({ count }), z.strictObject({ percent: z.number().min(0).max(100) })], { error: "expected { count: N } or { percent: P }" }).optional(),
    evaluators: z.record(z.string(), bars, { error: "expected an object: { evaluators: { NAME: { mean: 0.8 } } }" }),
  },
  { error: "expected { evaluators: { NAME: { mean: 0.8 } }, maxErrors?: { count: N } }" },
);

/**
 * Checks thresholds a library caller passes (`thresholds`, `thresholdOverrides`), as evalwire.toml's
 * are checked: a bar that is not read would let a run pass unjudged. A UsageError names the field.
 */
export function checkThresholds(value: unknown, option: string): asserts value is Thresholds | undefined {
  if (value === undefined) return;
  const parsed = thresholds.safeParse(value);
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  const path = [option, ...issue.path.map(String)].join(".");
  const isObject = typeof value === "object" && value !== null;
  if (isObject && !("evaluators" in value)) {
    throw new UsageError(
      `${option}: expected { evaluators: { NAME: { mean: 0.8 } }, maxErrors?: { count: N } }; the evalwire.toml form { exact_match: 0.8 } is written { evaluators: { exact_match: { mean: 0.8 } } } here`,
    );
  }
  if (issue.code === "unrecognized_keys") throw new UsageError(`${path}: unknown key ${issue.keys.join(", ")}; ${issue.message}`);
  throw new UsageError(`${path}: ${issue.message}`);
}
