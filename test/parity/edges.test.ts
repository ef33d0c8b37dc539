// Parity on generated edge cases (edge-cases.ts: Unicode, whitespace and case, numbers in every
// notation, rankings with duplicates and ties, Python regex syntax, invalid JSON, JSON Schema
// lengths, Python literals), a fixed fast-check seed; the Python evalwire scores them all in one
// subprocess. Every outcome must be equal (both a score within 1e-12, or both an error).
import { beforeAll, describe, expect, inject, it } from "vitest";
import { parsePythonLiteral } from "../../src/evaluators/index.js";
import { deepEqual } from "../../src/evaluators/values.js";
import { generateCases, generateLiterals } from "./edge-cases.js";
import { type PythonOutcome, scoreWithPython } from "./python-evalwire.js";
import { scoreOutcome } from "./score-ours.js";

const seed = 20261201;
const cases = generateCases(seed);
const literals = generateLiterals(seed);

const skipReason = inject("pythonEvalwireSkipReason") || null;

describe.skipIf(skipReason !== null)(`parity with the Python evalwire 0.6.0 on generated edge cases${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let python: PythonOutcome[] = [];

  beforeAll(async () => {
    python = await scoreWithPython([...cases, ...literals.map((literal) => ({ literal }))]);
  }, 60_000);

  it(`scores ${cases.length} generated edge cases as the Python evalwire does`, async () => {
    const differing = [];
    const tally = new Map<string, { cases: number; above: number; zero: number; errors: number }>();
    for (const [index, one] of cases.entries()) {
      const theirs = python[index]!;
      const ours = await scoreOutcome(one, one.output, one.expected);
      if (!sameOutcome(theirs, ours)) differing.push({ case: one, python: theirs, ours });
      const row = tally.get(one.factory) ?? { cases: 0, above: 0, zero: 0, errors: 0 };
      row.cases++;
      if ("error" in theirs) row.errors++;
      else if ("score" in theirs && theirs.score > 0) row.above++;
      else row.zero++;
      tally.set(one.factory, row);
    }
    expect(differing).toEqual([]);
    // Each factory's cases reach both sides of its decision, so equality is not all zeros.
    expect([...tally.keys()].sort()).toEqual(["all_pass", "any_pass", "contains", "exact_match", "is_in", "json_match", "numeric_close", "regex_match", "schema_valid", "top_k", "weighted"]);
    for (const [factory, row] of tally) expect({ factory, both: row.above > 0 && row.zero > 0 }).toEqual({ factory, both: true });
    const summary = [...tally].map(([factory, row]) => `${factory} ${row.cases} (${row.above} above 0, ${row.errors} errors)`);
    process.stdout.write(`parity: ${cases.length} generated edge cases, all equal: ${summary.join(", ")}\n`);
  });

  it(`reads ${literals.length} generated Python literals as ast.literal_eval does`, () => {
    const differing = [];
    let read = 0;
    for (const [index, literal] of literals.entries()) {
      const theirs = python[cases.length + index]!;
      const ours = parsePythonLiteral(literal);
      // A set, bytes or complex number (no JSON value) is not read here: the string stays text.
      const equal = "value" in theirs ? ours !== undefined && deepEqual(ours.value, theirs.value) : ours === undefined;
      if (!equal) differing.push({ literal, python: theirs, ours });
      if ("value" in theirs) read++;
    }
    expect(differing).toEqual([]);
    // Enough of them are literals (most are not: a literal is a narrow language).
    expect(read).toBeGreaterThan(literals.length / 20);
    process.stdout.write(`parity: ${literals.length} generated literals, all equal (${read} read as values, ${literals.length - read} text)\n`);
  });
});

function sameOutcome(a: PythonOutcome, b: PythonOutcome): boolean {
  if ("error" in a || "error" in b) return "error" in a && "error" in b;
  return "score" in a && "score" in b && Math.abs(a.score - b.score) <= 1e-12;
}
