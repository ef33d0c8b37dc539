import type { z } from "zod";
import type { EvaluatorFn } from "../../types.js";
import { shown } from "../options.js";
import { type Criterion, criterionSchema, criterionTypes } from "./criterion.js";
import { buildCriterion } from "./registry.js";

export interface CompiledCriterion {
  name: string;
  criterion: Criterion;
  evaluate: EvaluatorFn;
}

/** A rubric entry that is not a valid criterion; the message names where it is and what is wrong. */
export class RubricError extends Error {}

/**
 * Checks and builds a list of criteria (rubric.yaml's `criteria:` or an example's `expected.rubric`).
 * `where` starts every message: the file, or the example.
 */
export function compileCriteria(entries: unknown[], where: string): CompiledCriterion[] {
  const compiled: CompiledCriterion[] = [];
  entries.forEach((entry, index) => {
    const criterion = checkCriterion(entry, `${where}: criterion ${index + 1}`);
    const name = criterion.name ?? criterion.type;
    const at = described(`${where}: criterion ${index + 1}`, criterion);
    const earlier = compiled.findIndex((other) => other.name === name);
    if (earlier !== -1) throw new RubricError(`${at}: the name "${name}" is taken by criterion ${earlier + 1}; give one of them another name`);
    try {
      compiled.push({ name, criterion, evaluate: buildCriterion(criterion) });
    } catch (error) {
      throw new RubricError(`${at}: ${(error as Error).message}`);
    }
  });
  return compiled;
}

function checkCriterion(entry: unknown, at: string): Criterion {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) throw new RubricError(`${at}: expected a mapping such as { type: contains, value: "refund" } (got ${shown(entry)})`);
  const type = (entry as { type?: unknown }).type;
  if (type === undefined) throw new RubricError(`${at}: no "type" (one of ${criterionTypes.join(", ")})`);
  if (!criterionTypes.includes(type as never)) throw new RubricError(`${at}: unknown type ${shown(type)} (one of ${criterionTypes.join(", ")})`);
  const parsed = criterionSchema.safeParse(entry);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const here = described(at, entry as { type: string; name?: unknown });
  if (issue.code === "unrecognized_keys") {
    const known = Object.keys(criterionSchema.options.find((option) => option.shape.type.value === type)!.shape);
    return fail(`${here}: unknown key "${issue.keys[0]}" (keys of ${String(type)}: ${known.join(", ")})`);
  }
  const key = issue.path.join(".");
  const value = issue.path.reduce<unknown>((current, part) => (current as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey], entry);
  return fail(`${here}: "${key}": ${plainly(issue)}${value === undefined ? "" : ` (got ${shown(value)})`}`);
}

const yamlKind: Record<string, string> = { array: "a list", object: "a mapping", record: "a mapping", boolean: "true or false", string: "a text", number: "a number" };

/** Zod's own wording ("Invalid input: expected array, received string") said in the rubric's words. */
function plainly(issue: z.core.$ZodIssue): string {
  // A message the schema gives itself is kept.
  if (!/^(Invalid input|Invalid option|Too small|Too big)\b/.test(issue.message)) return issue.message;
  if (issue.code === "invalid_type") return `expected ${yamlKind[issue.expected] ?? `a ${issue.expected}`}`;
  if (issue.code === "invalid_value") return `expected one of ${issue.values.map(String).join(", ")}`;
  if (issue.code === "too_small" && issue.origin === "number") return `expected a number ${issue.inclusive ? "from" : "above"} ${issue.minimum}${issue.inclusive ? " up" : ""}`;
  if (issue.code === "too_big" && issue.origin === "number") return `expected a number ${issue.inclusive ? "up to" : "below"} ${issue.maximum}`;
  return issue.message;
}

/** `rubric.yaml: criterion 2` → `rubric.yaml: criterion 2 ("short", max_length)`. */
function described(at: string, entry: { type: string; name?: unknown }): string {
  return `${at} (${typeof entry.name === "string" ? `"${entry.name}", ` : ""}${entry.type})`;
}

function fail(message: string): never {
  throw new RubricError(message);
}
