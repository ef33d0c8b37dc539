import type { ExampleResult } from "./types.js";

/**
 * Each result's JSON as the worker made it (it sends results as their JSON, the cheapest way
 * across threads), kept so the run store writes it as is rather than making it again, then let go
 * (a listener may keep every result: their JSON would double what they hold). A result changed
 * after it arrived (a trace id added) must be marked changed, or the old JSON is written.
 * Kept in a property no copy, spread or JSON of the result sees (a WeakMap cost three times more).
 */
const madeJson = Symbol("evalwire.resultJson");

type WithJson = ExampleResult & { [madeJson]?: string | undefined };

/** The result of `json`, which is kept as its JSON. */
export function resultOfJson(json: string): ExampleResult {
  const result = JSON.parse(json) as ExampleResult;
  Object.defineProperty(result, madeJson, { value: json, writable: true });
  return result;
}

/** The result's JSON, for the run store: the worker's (given once), or made now. */
export function takeResultJson(result: ExampleResult): string {
  const json = (result as WithJson)[madeJson];
  if (json === undefined) return JSON.stringify(result);
  (result as WithJson)[madeJson] = undefined;
  return json;
}

export function resultChanged(result: ExampleResult): void {
  if (madeJson in result) (result as WithJson)[madeJson] = undefined;
}
