// Parity with the Python evalwire 0.6.0: every corpus case is scored by its evaluators (one
// Python subprocess for the whole file) and by ours; the outcomes must be equal (both a score
// within 1e-12, or both an error), except on the deliberate differences listed below, which
// must differ (so the list cannot go stale).
import { beforeAll, describe, expect, inject, it } from "vitest";
import { parsePythonLiteral } from "../../src/evaluators/index.js";
import { deepEqual } from "../../src/evaluators/values.js";
import { cases, literals } from "./cases.js";
import { type PythonOutcome, scoreWithPython } from "./python-evalwire.js";
import { scoreOutcome as scoreWithUs } from "./score-ours.js";

/** Cases where evalwire deliberately differs from the Python evalwire, and why. */
export const differences: Record<string, string> = {
  "tk-numeric-string": 'the expected string "42" stays a string (Python reads it as the number 42, which the list ["42"] lacks)',
  "ii-numeric-string": 'the expected string "42" stays a string (Python reads it as 42, so the right answer "42" fails)',
  "ii-true-string": 'the expected string "True" stays a string (Python reads it as the boolean True)',
  "em-numeric-string": 'the expected string "42" stays a string (Python reads it as 42, so the right answer "42" fails)',
  "em-number-vs-numeric-string": 'the expected string "42" stays a string, so the number 42 does not equal it (Python reads "42" as 42)',
  "em-float-string": 'the expected string "2.72" stays a string (Python reads it as 2.72, so the right answer "2.72" fails)',
  "em-none-string": 'the expected string "None" stays a string (Python reads it as None, so the answer "None" fails)',
  "em-object-vs-json-with-true": "an object output equals the expected JSON object string by value (Python compares a dict with a str)",
  "co-numeric-string": 'the expected string "42" stays a string (Python reads it as 42 and raises TypeError on `42 in "..."`)',
  "re-numeric-pattern": 'the expected pattern "42" stays a string (Python reads it as 42 and re.search raises TypeError)',
  "tk-string-output": "a text output is not a ranked list: an error naming the output (Python ranks the string's characters)",
  "jm-python-literal-object": "an expected JSON object that is also a Python literal is compared (Python passes a dict to json.loads and scores 0)",
  "jm-dict-literal": "an expected Python dict literal is compared (Python passes the dict to json.loads and scores 0)",
  "jm-object-output": "an output that is already an object needs no JSON string (Python scores 0: json.loads of a dict)",
  "jm-bool-vs-number": "true is not 1 and false is not 0 (Python's True == 1 and False == 0)",
  "ii-bool-vs-number": "true is not 1 (Python's True == 1)",
  "ii-json-list-with-null": "a JSON list string is read as that list (Python reads only Python literals, so '[\"a\", null]' stays one string)",
  "tk-json-list-with-true": "a JSON list string is read as that list (Python reads only Python literals, so '[\"x\", true]' stays one string)",
  "co-transcript": 'a chat transcript { messages } is searched as its assistant text, as the text evaluators read it (Python looks for a key named "you said")',
  "co-transcript-list": "a list of chat messages is searched as its assistant text (Python looks for an item equal to the string)",
  "re-transcript": "a chat transcript is searched as its assistant text (Python's re.search raises TypeError on a dict)",
  "sv-object-output": "an output that is already an object needs no JSON string (Python scores 0: json.loads of a dict)",
  "em-nested-tuple": "a tuple inside an expected literal is a list (Python keeps it a tuple, which no JSON output can equal)",
  "em-number-dict-key": "a number key of an expected dict literal is text, as every JSON key (Python keeps 1, which no JSON output can have)",
  "em-quoted-string-literal": 'the expected string "\'Paris\'" stays that text, quotes included (Python reads the literal, so the answer Paris passes), as "42" does',
  "em-output-string-holding-list": "a text output holding a list equals that list by value (Python compares a str with a list)",
  "tk-output-string-holding-list": "a text output holding a list is ranked as that list (Python ranks its characters)",
  "jm-nan-output": "NaN and Infinity are not JSON, so the output is not JSON (Python's json.loads accepts them)",
  "sv-nan-output": "NaN is not JSON, so the output is not JSON (Python's json.loads accepts it)",
  "nc-huge-integer-string-expected": "a 400-digit expected string is read by float() as inf (Python reads it as an int first, and float() of it raises OverflowError)",
};

/** Literal strings where the reader deliberately differs from ast.literal_eval, and why. */
export const literalDifferences: Record<string, string> = {
  "'\\N{BULLET}'": "\\N{name} escapes need Unicode's name table: not a literal here (the string stays text)",
  "set()": "sets are not read (they have no JSON value): the string stays text",
  "{1, 2}": "sets are not read (they have no JSON value): the string stays text",
  "b'x'": "bytes are not read: the string stays text",
  "1+2j": "complex numbers are not read: the string stays text",
};

function same(a: PythonOutcome, b: PythonOutcome): boolean {
  if ("error" in a || "error" in b) return "error" in a && "error" in b;
  if ("score" in a && "score" in b) return Math.abs(a.score - b.score) <= 1e-12 || (Number.isNaN(a.score) && Number.isNaN(b.score));
  return "value" in a && "value" in b && deepEqual(a.value, b.value);
}

const skipReason = inject("pythonEvalwireSkipReason") || null;

describe.skipIf(skipReason !== null)(`parity with the Python evalwire 0.6.0${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let python: PythonOutcome[] = [];
  const ours: PythonOutcome[] = [];

  beforeAll(async () => {
    python = await scoreWithPython([...cases.map(({ factory, options, output, expected }) => ({ factory, options, output, expected })), ...literals.map((literal) => ({ literal }))]);
    for (const { factory, options, output, expected } of cases) ours.push(await scoreWithUs({ factory, options }, output, expected));
    for (const literal of literals) {
      const parsed = parsePythonLiteral(literal);
      ours.push(parsed ? { value: parsed.value } : { error: "not a literal" });
    }
  }, 60_000);

  it("the corpus covers every factory with at least 100 cases, and each listed difference names a case", () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cases.map((one) => one.factory))).toEqual(
      new Set(["top_k", "is_in", "exact_match", "contains", "regex_match", "json_match", "schema_valid", "numeric_close", "weighted", "all_pass", "any_pass"]),
    );
    expect(new Set(cases.map((one) => one.id)).size).toBe(cases.length);
    for (const id of Object.keys(differences))
      expect(
        cases.some((one) => one.id === id),
        id,
      ).toBe(true);
    for (const literal of Object.keys(literalDifferences)) expect(literals).toContain(literal);
  });

  it("scores every case as the Python evalwire does, except the listed differences", () => {
    const report = cases.map((one, index) => ({ id: one.id, python: python[index]!, ours: ours[index]!, equal: same(python[index]!, ours[index]!) }));
    const unexpected = report.filter((row) => row.equal === row.id in differences);
    expect(unexpected, "cases whose equality is not as listed").toEqual([]);
    const equalCount = report.filter((row) => row.equal).length;
    process.stdout.write(`parity: ${report.length} evaluator cases, ${equalCount} equal, ${report.length - equalCount} listed differences\n`);
  });

  it("reads Python literals as ast.literal_eval does, except the listed differences", () => {
    const report = literals.map((literal, index) => {
      const at = cases.length + index;
      return { literal, python: python[at]!, ours: ours[at]!, equal: same(python[at]!, ours[at]!) };
    });
    const unexpected = report.filter((row) => row.equal === row.literal in literalDifferences);
    expect(unexpected, "literals whose equality is not as listed").toEqual([]);
    const equalCount = report.filter((row) => row.equal).length;
    process.stdout.write(`parity: ${report.length} literals, ${equalCount} equal, ${report.length - equalCount} listed differences\n`);
  });
});
