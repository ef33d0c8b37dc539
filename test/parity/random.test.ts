// Parity on generated cases: fast-check draws outputs and expected values (expected lists given
// as arrays or as the Python literal strings the Python evalwire's upload stores), and the Python
// evalwire scores them all in one subprocess. Every outcome must be equal; the generators keep out
// the deliberate differences (a string that is a Python scalar literal, like "42").
import fc from "fast-check";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { parsePythonLiteral } from "../../src/evaluators/index.js";
import { pythonRepr } from "../helpers/python-repr.js";
import type { ParityCase } from "./cases.js";
import { type PythonOutcome, scoreWithPython } from "./python-evalwire.js";
import { scoreOutcome } from "./score-ours.js";

// Text that stays text for both: not a Python scalar literal such as "42", "True" or "'a'".
const text = fc
  .oneof(fc.constantFrom("a", "b", "doc-1", "doc-2", "Paris", "it's", 'say "hi"', "back\\slash", "tab\there", "café", "x y", ""), fc.string({ maxLength: 6 }))
  .filter((value) => parsePythonLiteral(value) === undefined);
// Objects in both key orders, and a nested list: both sides compare them by value.
const object = fc.constantFrom<unknown>({ id: 1, v: "a" }, { v: "a", id: 1 }, { id: 2, tags: ["x", "y"] }, { tags: ["x", "y"], id: 2 }, ["x", ["y"]]);
const item = fc.oneof(text, fc.integer({ min: -3, max: 3 }), object);
const expectedList = (list: unknown[]) => fc.constantFrom<unknown>(list, pythonRepr(list), pythonRepr(list, '"'));
const number = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true }));

// Outputs are often drawn from the expected items, so that many cases score above 0.
const topKCase = fc
  .record({ noise: fc.array(item, { maxLength: 6 }), expected: fc.array(item, { maxLength: 4 }), k: fc.integer({ min: 1, max: 10 }) })
  .chain(({ noise, expected, k }) =>
    fc
      .record({ output: fc.shuffledSubarray([...noise, ...expected]), stored: expectedList(expected) })
      .map(({ output, stored }) => ({ factory: "top_k", options: { k }, output, expected: { expected_output: stored } })),
  );
const membershipCase = fc
  .record({ factory: fc.constantFrom("is_in", "exact_match"), other: item, expected: fc.array(item, { minLength: 1, maxLength: 3 }) })
  .chain(({ factory, other, expected }) =>
    fc.record({ output: fc.constantFrom(other, ...expected), stored: expectedList(expected) }).map(({ output, stored }) => ({ factory, output, expected: { expected_output: stored } })),
  );
const containsCase = fc
  .record({ output: fc.oneof(text, fc.array(text, { maxLength: 3 })), expected: fc.array(text, { maxLength: 2 }) })
  .chain(({ output, expected }) => expectedList(expected).map((stored) => ({ factory: "contains", output, expected: { expected_output: stored } })));
const numericCase = fc
  .record({ output: number, expected: number, atol: fc.constantFrom(0, 1e-6, 0.5), rtol: fc.constantFrom(0, 0.01), asText: fc.boolean() })
  .map(({ output, expected, atol, rtol, asText }) => ({
    factory: "numeric_close",
    options: { atol, rtol },
    output: asText ? String(output) : output,
    expected: { expected_output: String(expected) },
  }));
// Expected objects hold a `true` so that they are JSON and not also a Python literal (the Python
// bug); numbers stay clear of 0 and 1, which Python finds equal to False and True.
const jsonValue = fc.oneof(fc.integer({ min: 2, max: 4 }), fc.constantFrom("a", "b"), fc.boolean(), fc.constant(null), fc.array(fc.integer({ min: 2, max: 4 }), { maxLength: 2 }));
const jsonObject = fc.dictionary(fc.constantFrom("a", "b", "c"), jsonValue, { maxKeys: 3 });
const jsonCase = fc.record({ output: jsonObject, expected: jsonObject }).map(({ output, expected }) => ({
  factory: "json_match",
  output: JSON.stringify(output),
  expected: { expected_output: JSON.stringify({ ...expected, flag: true }) },
}));

const generated: Omit<ParityCase, "id">[] = fc.sample(fc.oneof(topKCase, membershipCase, containsCase, numericCase, jsonCase), { numRuns: 400, seed: 20260 });

const skipReason = inject("pythonEvalwireSkipReason") || null;

describe.skipIf(skipReason !== null)(`parity with the Python evalwire 0.6.0 on generated cases${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let python: PythonOutcome[] = [];

  beforeAll(async () => {
    python = await scoreWithPython(generated);
  }, 60_000);

  it("scores 400 generated cases as the Python evalwire does", async () => {
    const differing = [];
    for (const [index, one] of generated.entries()) {
      const ours = await scoreOutcome(one, one.output, one.expected);
      if (!sameOutcome(python[index]!, ours)) differing.push({ case: one, python: python[index], ours });
    }
    expect(differing).toEqual([]);
    const counts = new Map<string, number>();
    for (const one of generated) counts.set(one.factory, (counts.get(one.factory) ?? 0) + 1);
    const perFactory = [...counts].map(([factory, count]) => `${factory} ${count}`);
    expect(perFactory).toHaveLength(6);
    const above = python.filter((outcome) => "score" in outcome && outcome.score > 0).length;
    const errors = python.filter((outcome) => "error" in outcome).length;
    process.stdout.write(`parity: ${generated.length} generated cases (${perFactory.join(", ")}), all equal; ${above} scored above 0, ${errors} errors\n`);
  });
});

function sameOutcome(a: PythonOutcome, b: PythonOutcome): boolean {
  if ("error" in a || "error" in b) return "error" in a && "error" in b;
  return "score" in a && "score" in b && Math.abs(a.score - b.score) <= 1e-12;
}
