import type { ExampleResult } from "./types.js";

// A result from a worker comes with its results.jsonl line, made there: JSON.stringify of a small
// result costs the main thread about 1.3 µs, more than receiving the line with it (0.1 µs), and the
// main thread is the busier of the two in a fast run.

const lines = new WeakMap<ExampleResult, string>();

/** Keeps the line made of `result` where it was made, for the run store to write as is. */
export function keepLine(result: ExampleResult, line: string): void {
  lines.set(result, line);
}

/** The line to record for `result`: the one kept, else made now. */
export function lineOf(result: ExampleResult): string {
  return lines.get(result) ?? JSON.stringify(result);
}

/** `result` is about to change: a line kept for it would no longer say what it holds. */
export function forgetLine(result: ExampleResult): void {
  lines.delete(result);
}
