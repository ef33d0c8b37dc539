// Generated edge cases for the parity tests (edges.test.ts): Unicode (NFC/NFD, combining marks,
// emoji, full-width and Arabic-Indic digits, right-to-left text), whitespace and case, numbers in
// every notation Python's float() reads, duplicates and ties in rankings, invalid JSON, JSON
// Schema limits on emoji, and Python literals. They keep out the deliberate differences listed in
// evaluators.test.ts (a string that is a Python scalar literal such as "42", true against 1).
import fc from "fast-check";
import { parsePythonLiteral } from "../../src/evaluators/index.js";
import { pythonRepr } from "../helpers/python-repr.js";
import type { ParityCase } from "./cases.js";
import { regexCases, schemaPatternCases } from "./edge-regex.js";
import { words } from "./edge-words.js";

export type Generated = Omit<ParityCase, "id">;

/** Stays text for both: not a Python literal, and not JSON holding a list or object. */
function isPlainText(text: string): boolean {
  if (parsePythonLiteral(text) !== undefined) return false;
  try {
    const value = JSON.parse(text);
    return value === null || typeof value !== "object";
  } catch {
    return true;
  }
}

const text = fc.oneof(fc.constantFrom(...words), fc.string({ unit: "grapheme", maxLength: 5 }), fc.string({ unit: "binary", maxLength: 4 })).filter(isPlainText);
const variantOf = (value: string) =>
  fc.constantFrom(value, value.normalize("NFC"), value.normalize("NFD"), value.toUpperCase(), value.toLowerCase(), ` ${value}`, `${value} `, value.trim(), `${value}\n`).filter(isPlainText);
/** A list as stored: as it is, or the Python literal string the Python evalwire's upload writes, in either quote or as a tuple. */
const stored = (list: unknown[]) => fc.constantFrom<unknown>(list, pythonRepr(list), pythonRepr(list, '"'), `(${list.map((item) => pythonRepr(item)).join(", ")}${list.length === 1 ? "," : ""})`);

// exact_match, is_in, contains: outputs that are the expected text, another form of it, or text around it.
const textCase = fc
  .record({ factory: fc.constantFrom("exact_match", "is_in", "contains"), expected: fc.array(text, { minLength: 1, maxLength: 3 }), other: text, around: fc.tuple(text, text) })
  .chain(({ factory, expected, other, around }) =>
    fc
      .record({ pick: fc.constantFrom(...expected, other).chain(variantOf), wrap: fc.boolean(), list: stored(expected) })
      .map(({ pick, wrap, list }) => ({ factory, output: wrap && factory === "contains" ? around[0] + pick + around[1] : pick, expected: { expected_output: list } })),
  );

// numeric_close: numbers as numbers and as text in the notations float() reads (and some it does not).
const numericTexts = [
  "1e3",
  "1E+03",
  "1_000",
  " 1000 ",
  "1000.0",
  "1000.",
  ".5",
  "-0",
  "+0.0",
  "-0.0",
  "inf",
  "-Infinity",
  "+iNf",
  "nan",
  "-nan",
  "１０００",
  "١٠٠٠",
  "\u00a01000\u3000",
  "\u20031e3",
  "\ufeff1000",
  "1e-400",
  "1e400",
  "0x10",
  "1__0",
  "1_",
  "_1",
  "1e",
  "e3",
  "1.5.0",
  "١e٣",
  "1 000",
  "",
  "½",
  "٣.٥",
];
const fullWidth = (value: string) => value.replace(/[0-9]/g, (digit) => String.fromCodePoint(0xff10 + Number(digit)));
const arabicIndic = (value: string) => value.replace(/[0-9]/g, (digit) => String.fromCodePoint(0x660 + Number(digit)));
const numberText = fc.oneof(
  fc.constantFrom(...numericTexts),
  fc
    .record({
      value: fc.oneof(fc.integer({ min: -2000, max: 2000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true })),
      form: fc.constantFrom<(value: number) => string>(
        String,
        (value) => value.toExponential(),
        (value) => value.toFixed(2),
        (value) => String(value).toUpperCase(),
      ),
      digits: fc.constantFrom<(value: string) => string>((value) => value, fullWidth, arabicIndic),
      space: fc.constantFrom("", " ", "\t", "\u00a0", "\u3000", "\u2009", "\n"),
    })
    .map(({ value, form, digits, space }) => space + digits(form(value)) + space),
);
// A 400-digit number: float() reads it as inf; as an expected value Python first reads it as an int, which float() cannot take.
const outputText = fc.oneof(numberText, fc.constant("1".padEnd(400, "0")));
const numberValue = fc.oneof(fc.integer({ min: -2000, max: 2000 }), fc.constantFrom(-0, 1e308, 5e-324, Number.MAX_SAFE_INTEGER, 0.1 + 0.2, 0.3, 1000));
// Expected values that Python reads as numbers are kept to those float() reads alike (no "0x10").
const expectedNumber = fc.oneof(
  numberText.filter((value) => !/^\s*[+-]?0[xob]/i.test(value)),
  numberValue.map((value) => `[${pythonRepr(value)}]`),
  numberValue,
  numberText.map((value) => [value]),
);
const numericCase = fc
  .record({
    output: fc.oneof(outputText, numberValue),
    expected: expectedNumber,
    atol: fc.constantFrom(1e-6, 0, 0.5, 1e300),
    rtol: fc.constantFrom(0, 0.01),
  })
  .map(({ output, expected, atol, rtol }) => ({ factory: "numeric_close", options: { atol, rtol }, output, expected: { expected_output: expected } }));

// top_k: rankings with duplicates and ties, items of every JSON kind (not true/false: Python's True == 1).
const rankItem = fc.constantFrom<unknown>("a", "b", "A", "café", "cafe\u0301", "😀", 1, 2, 0, 1.5, 1e21, null, ["a"], ["a", 1], [], {}, { id: 1, v: "é" }, { v: "é", id: 1 });
const topKCase = fc
  .record({ output: fc.array(rankItem, { maxLength: 8 }), expected: fc.array(rankItem, { maxLength: 4 }), k: fc.integer({ min: 1, max: 6 }) })
  .chain(({ output, expected, k }) => stored(expected).map((list) => ({ factory: "top_k", options: { k }, output, expected: { expected_output: list } })));

// json_match: valid and invalid JSON outputs, keys named like Object methods, Unicode keys and values.
const jsonKey = fc.constantFrom("a", "b", "é", "e\u0301", "😀", "constructor", "toString", "__proto__");
const jsonValue = fc.constantFrom<unknown>(2, 3, 1e2, 100, 2.5, "x", "é", "e\u0301", null, [2, "x"], { n: 2 }, {});
const jsonObject = fc.dictionary(jsonKey, jsonValue, { maxKeys: 3 });
const badJson = [
  "{'a': 2}",
  '{"a": 2,}',
  "{a: 2}",
  "",
  " ",
  "null",
  "[]",
  '"{}"',
  '{"a": 2} x',
  '{"a": 2}\n',
  '\ufeff{"a": 2}',
  '{"a": 1e2}',
  '{"a": 100.0}',
  '{"a": "\\u00e9"}',
  '{"a": 2, "a": 3}',
  '{"a": 2 /* c */}',
  '{"a":\u00a02}',
];
// The output is often the expected object with some values changed and its keys in another order.
const jsonOutput = (expected: Record<string, unknown>) =>
  fc.oneof(
    fc
      .record({ changed: fc.dictionary(jsonKey, jsonValue, { maxKeys: 1 }), flag: fc.constantFrom(true, false, "true") })
      .map(({ changed, flag }) => JSON.stringify(Object.fromEntries(Object.entries({ ...expected, flag, ...changed }).reverse()))),
    jsonObject.map((value) => JSON.stringify(value)),
    fc.constantFrom(...badJson),
  );
const jsonCase = fc.record({ expected: jsonObject, keys: fc.option(fc.uniqueArray(jsonKey, { minLength: 1, maxLength: 2 }), { nil: undefined }) }).chain(({ expected, keys }) =>
  jsonOutput(expected).map((output) => ({
    factory: "json_match",
    ...(keys ? { options: { keys } } : {}),
    output,
    // A `true` keeps the expected JSON from also being a Python literal (a listed difference).
    expected: { expected_output: JSON.stringify({ ...expected, flag: true }) },
  })),
);

// schema_valid: lengths of emoji and combining marks (code points), integers written as floats, invalid JSON.
const schemas = [
  { type: "string", maxLength: 2 },
  { type: "string", minLength: 2 },
  { type: "string", pattern: "^.$" },
  { type: "integer" },
  { type: "number", maximum: 1000 },
  { type: "array", uniqueItems: true },
  { enum: [1000, "é", null] },
  { const: 1000 },
  { type: "object", required: ["é"] },
  { type: "object", propertyNames: { maxLength: 1 } },
];
const schemaOutput = fc.constantFrom(
  '"😀"',
  '"😀😀"',
  '"👍🏽"',
  '"é"',
  '"e\u0301"',
  '"ab"',
  '"\\ud83d"',
  "1000",
  "1e3",
  "1000.0",
  "-0",
  "[1, 1.0]",
  '["é", "e\u0301"]',
  "[[1], [1.0]]",
  '{"é": 1}',
  '{"e\u0301": 1}',
  '{"😀": 1}',
  "NaN",
  "01",
  "",
  "{",
);
const schemaCase = fc.record({ schema: fc.constantFrom(...schemas), output: schemaOutput }).map(({ schema, output }) => ({ factory: "schema_valid", options: { schema }, output, expected: {} }));

// contains with a list or object output and an expected value of any kind (Python's `in`).
const containsCase = fc
  .record({ output: fc.oneof(fc.array(rankItem, { maxLength: 4 }), fc.dictionary(fc.constantFrom("a", "1", "null", "é"), rankItem, { maxKeys: 3 })), wanted: rankItem })
  .map(({ output, wanted }) => ({ factory: "contains", output, expected: { expected_output: [wanted] } }));

// Nested values (lists, objects in any key order, -0, 2.0, 1e21, 2**53 + 1, 0.1 + 0.2) for the
// comparing factories and the compositions; ranked outputs are lists (a text one is a listed difference).
const leaf = fc.constantFrom<unknown>("a", "A", "é", "e\u0301", "😀", "", " ", 0, -0, 2, 1e21, 1.5, -3, 2 ** 53 + 1, null, 0.1 + 0.2, 1e-7);
const nested = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(fc.constantFrom("a", "b", "é", "1"), tie("value"), { maxKeys: 3 })),
})).value;
const valueCase = fc
  .record({
    factory: fc.constantFrom("exact_match", "is_in", "contains", "top_k", "numeric_close", "weighted", "all_pass", "any_pass"),
    expected: fc.array(nested, { maxLength: 3 }),
    other: nested,
    k: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ factory, expected, other, k }) => {
    const ranked = factory === "top_k" || factory === "weighted";
    const output = ranked ? fc.shuffledSubarray([other, ...expected]) : fc.oneof(fc.constantFrom(other, ...expected), fc.shuffledSubarray([other, ...expected]));
    const parts = [{ factory: "exact_match" }, { factory: "is_in" }, { factory: "top_k", options: { k } }];
    const options =
      factory === "top_k" ? { k } : factory === "weighted" ? { parts: parts.map((part, index) => [part, index + 1]) } : factory.endsWith("_pass") ? { parts: parts.slice(0, 2) } : undefined;
    return fc.record({ output, list: stored(expected) }).map(({ output, list }) => ({ factory, ...(options ? { options } : {}), output, expected: { expected_output: list } }));
  });

export function generateCases(seed: number): Generated[] {
  const each = <T>(arbitrary: fc.Arbitrary<T>, numRuns: number, offset: number) => fc.sample(arbitrary, { numRuns, seed: seed + offset });
  return [
    ...each(textCase, 300, 1),
    ...each(numericCase, 300, 2),
    ...each(topKCase, 200, 3),
    ...regexCases,
    ...schemaPatternCases,
    ...each(jsonCase, 200, 5),
    ...each(schemaCase, 100, 6),
    ...each(containsCase, 100, 7),
    ...each(valueCase, 600, 10),
  ] as Generated[];
}

// Python literals: JSON values written as Python writes them, with tuples, both quotes, spacing and trailing commas.
const literalLeaf = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 4 }),
  fc.string({ unit: "binary", maxLength: 3 }),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom<unknown>(true, false, null, 2 ** 53, -(2 ** 53)),
);
const literalValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, literalLeaf, fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), tie("value"), { maxKeys: 3 })),
})).value;
export function generateLiterals(seed: number): string[] {
  const literal = fc.oneof(
    fc.record({ value: literalValue, quote: fc.constantFrom<"'" | '"'>("'", '"') }).map(({ value, quote }) => pythonRepr(value, quote)),
    fc
      .record({ items: fc.array(literalValue, { maxLength: 3 }), space: fc.constantFrom("", " ", "\n ", "\t"), trailing: fc.boolean() })
      .map(({ items, space, trailing }) => `(${space}${items.map((item) => pythonRepr(item)).join(`,${space}`)}${items.length === 1 || (trailing && items.length > 0) ? "," : ""}${space})`),
    fc.string({ unit: "grapheme", maxLength: 6 }),
    fc.constantFrom(
      "1_0",
      "0_0",
      "1e5_0",
      "0b_1",
      "0o_7",
      "0x_f",
      "1_000.000_1",
      "-True",
      "+1",
      "--1",
      "-(1)",
      "(-1)",
      "1 if 1 else 2",
      "[1,,2]",
      "(,)",
      "''''''",
      "'\\777'",
      "'\\x4'",
      "'\\u00e'",
      "'\\U0010FFFF'",
      "'\\U00110000'",
      "u'é'",
      "R'\\n'",
      "rb'x'",
      "f'x'",
      "[1]\n",
      "\\\n[1]",
    ),
  );
  // Token soup: line ends (\r too), indents, form feeds, continuations, comments, quotes and numbers in any order.
  const tokens = ["[", "]", "(", ")", "{", "}", ",", ":", "'", '"', "\\", "1", "0", "7", "_", ".", "e", "-", "+", " ", "\n", "#", "x", "True", "None"];
  const more = ["u", "r", "b", "j", "\t", "\\n", "\\x4", "1e5", "1e999", "0x", "0o", "'a'", '"b"', "''", "'''", "\r", "\\\n", "\f", "é", "😀", "\u00a0", "N", "f"];
  const soup = fc.string({ unit: fc.constantFrom(...tokens, ...more), maxLength: 12 });
  return [...fc.sample(literal, { numRuns: 300, seed: seed + 8 }), ...fc.sample(soup, { numRuns: 3000, seed: seed + 9 })];
}
