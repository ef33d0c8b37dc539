// Generated regex edge cases for the parity tests: every pattern against every text, as
// regex_match's expected pattern and as JSON Schema `pattern`/`patternProperties`.
import type { Generated } from "./edge-cases.js";
import { words } from "./edge-words.js";

// regex_match: Python patterns whose meaning JavaScript's RegExp gives differently unless translated.
export const patterns = [
  "^.$",
  "^..$",
  "^.{3}$",
  "[^a]",
  "^[^a]$",
  "a.b",
  "(?s)a.b",
  "(?m)^b",
  "(?m)a$",
  "a$",
  "\\Aa",
  "b\\Z",
  "x{,2}y",
  "^x{,}$",
  "a{",
  "a{1",
  "{x}",
  "a}",
  "]",
  "\\:",
  "\\-",
  "\\'",
  "\\#",
  "\\ ",
  "\\é",
  "(?i)café",
  "(?i)straße",
  "(?i)kelvin",
  "(?i)ω",
  "(?i)i̇stanbul",
  "é",
  "e\u0301",
  "[😀]",
  "^[😀👍]$",
  "\\u00e9",
  "\\U0001F600",
  "\\x41",
  "\\101",
  "\\0",
  "\\a",
  "(?#a comment)a",
  "(?P<w>a)(?P=w)",
  "\\(",
  "a|",
  "",
  "\\s",
  "a\\sb",
  "^\\S+$",
  "^\\w+$",
  "^\\W",
  "\\d",
  "^\\D+$",
  "[\\d]",
  "^[\\w\\s]+$",
  "^[^\\d]+$",
  "\\bb",
  "\\Bb",
  "a\\b",
  "(?a)^\\w+$",
  "(?a)\\d",
  "(?a)\\s",
  "(?a)\\bb",
  "[\\101-\\132]",
  "(?i)[a-z]+$",
];
const regexOutputs = [...words, "aab", "xy", "xxy", "x", "b\na", "a\nb\n", "ab\n", "aa", "\x07", "\0", "a:b", "{x}", "a{1", "a}", "a-b", "a'", "#", "]", "("];
/** Every pattern against every output: a few thousand cases, each a single search. */
export const regexCases: Generated[] = patterns.flatMap((pattern) => regexOutputs.map((output) => ({ factory: "regex_match", output, expected: { expected_output: pattern } })));

// schema_valid's `pattern` and `patternProperties` are Python `re` patterns too (jsonschema uses re.search).
const schemaTexts = ["café", "cafe\u0301", "١٢٣", "😀", "ab\n", "a\u2028b", "Kelvin", "x{1"];
export const schemaPatternCases: Generated[] = patterns.flatMap((pattern) =>
  schemaTexts.flatMap((text, index) => ({
    factory: "schema_valid",
    options: { schema: index % 2 === 0 ? { type: "string", pattern } : { type: "object", patternProperties: { [pattern]: { type: "integer" } } } },
    output: JSON.stringify(index % 2 === 0 ? text : { [text]: "not an integer" }),
    expected: {},
  })),
);
