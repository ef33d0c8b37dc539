/**
 * The expected values an evaluator compares against, as a list: `expected[key]` when the expected
 * output is an object holding that key (default `expected_output`, as the CSV upload writes it),
 * else the whole expected output.
 */
export function expectedValues(expected: unknown, key = "expected_output"): unknown[] {
  const value = expected && typeof expected === "object" && !Array.isArray(expected) && key in expected ? (expected as Record<string, unknown>)[key] : expected;
  return Array.isArray(value) ? value : [value];
}

/** The value compared: `output[key]` when given and the output is an object, else the output. */
export function outputValue(output: unknown, key: string | undefined): unknown {
  return key !== undefined && output && typeof output === "object" ? (output as Record<string, unknown>)[key] : output;
}

export interface FieldOptions {
  /** Field of the expected output holding the expected value(s). Default `expected_output`. */
  expectedKey?: string;
  /** Field of the task's output to compare; default the whole output. */
  outputKey?: string;
}
