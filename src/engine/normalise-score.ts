import type { Score } from "../types.js";
import { jsonProblem } from "./json-problem.js";
import { ownCopy } from "./own-copy.js";

const allowedKeys = new Set(["score", "label", "explanation", "metadata"]);
const expected = "return a number, a boolean, a string or { score?, label?, explanation? }";

/**
 * Turns whatever an evaluator returned into a Score, or a message saying why it is not one.
 * NaN, Infinity, null and other shapes are never stored as scores.
 */
export function normaliseScore(value: unknown): Score | { error: string } {
  if (typeof value === "number") {
    return Number.isFinite(value) ? { score: value, label: null, explanation: null } : { error: `returned ${value}; ${expected}` };
  }
  if (typeof value === "boolean") return { score: value ? 1 : 0, label: value ? "pass" : "fail", explanation: null };
  if (typeof value === "string") return { score: null, label: value, explanation: null };
  if (value === null || value === undefined) return { error: `returned ${value}; ${expected}` };
  if (typeof value !== "object" || Array.isArray(value)) return { error: `returned ${Array.isArray(value) ? "an array" : typeof value}; ${expected}` };

  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !allowedKeys.has(key));
  if (unknown.length > 0) return { error: `returned an object with unknown key ${unknown.map((k) => `"${k}"`).join(", ")}; ${expected}` };
  const score = own(record, "score");
  const label = own(record, "label");
  const explanation = own(record, "explanation");
  if (score !== null && (typeof score !== "number" || !Number.isFinite(score))) return { error: `returned score ${shown(score)}; a score must be a finite number` };
  if (label !== null && typeof label !== "string") return { error: `returned label ${shown(label)}; a label must be a string` };
  if (explanation !== null && typeof explanation !== "string") return { error: "returned a non-string explanation" };
  if (score === null && label === null) return { error: `returned an object with neither score nor label; ${expected}` };
  const metadata = own(record, "metadata");
  if (metadata === null) return { score, label, explanation };
  if (typeof metadata !== "object" || Array.isArray(metadata)) return { error: "returned metadata that is not an object" };
  // Recorded as JSON with the result: what cannot be would lose the whole result, or hang its way out
  // of the worker. A copy is recorded: the evaluator may keep the object and change it later.
  const notJson = jsonProblem(metadata);
  if (notJson) return { error: `returned metadata that is not JSON (${notJson})` };
  return { score, label, explanation, metadata: ownCopy(metadata) as Record<string, unknown> };
}

/**
 * A field the object has itself (null when absent or undefined): one Object.prototype has, added by
 * user code (prototype pollution), is not what the evaluator returned.
 */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? (record[key] ?? null) : null;
}

/** A value as the message shows it: JSON where it can be (a string in quotes), else as String gives it (10n). */
function shown(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (typeof value === "number" || typeof value === "symbol" || value === undefined) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
