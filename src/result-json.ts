import type { ExampleResult } from "./types.js";

/**
 * Each result's JSON as the worker made it (it sends results as their JSON, the cheapest way
 * across threads), kept so the run store writes it as is rather than making it again, then let go
 * (a listener may keep every result: their JSON would double what they hold). A result changed
 * after it arrived (a trace id added) must be marked changed, or the old JSON is written.
 */
const madeJson = new WeakMap<ExampleResult, string>();

/** The result of `json`, which is kept as its JSON. */
export function resultOfJson(json: string): ExampleResult {
  const result = JSON.parse(json) as ExampleResult;
  madeJson.set(result, json);
  return result;
}

/** The result's JSON, for the run store: the worker's (given once), or made now. */
export function takeResultJson(result: ExampleResult): string {
  const json = madeJson.get(result);
  if (json === undefined) return JSON.stringify(result);
  madeJson.delete(result);
  return json;
}

export function resultChanged(result: ExampleResult): void {
  madeJson.delete(result);
}
