import { describe, expect, it } from "vitest";
import { contains, exactMatch, isIn, notContains, regexMatch } from "../../../src/evaluators/match.js";
import { evaluatorArgs as args } from "../../helpers/evaluator-args.js";

const eo = (value: unknown) => ({ expected_output: value });

describe("exactMatch", () => {
  it("compares with the first expected value", () => {
    expect(exactMatch()(args("Paris", eo("Paris")))).toEqual({ score: 1, label: "pass", explanation: null });
    expect(exactMatch()(args("b", eo(["a", "b"])))).toEqual({ score: 0, label: "fail", explanation: 'expected "a", got "b"' });
    expect(exactMatch()(args("a", eo("['a', 'b']"))).score).toBe(1);
  });

  it('keeps the expected string "42" a string (Python reads it as 42 and fails the right answer)', () => {
    expect(exactMatch()(args("42", eo("42"))).score).toBe(1);
    expect(exactMatch()(args(42, eo("42"))).score).toBe(0);
    expect(exactMatch()(args("None", eo("None"))).score).toBe(1);
  });

  it("compares objects by value, whatever their key order, and an object output needs no JSON string", () => {
    expect(exactMatch()(args({ b: [1, { y: 2, x: 1 }], a: 1 }, eo([{ a: 1, b: [1, { x: 1, y: 2 }] }]))).score).toBe(1);
    expect(exactMatch()(args({ ok: true, n: 1 }, eo('{"n": 1, "ok": true}'))).score).toBe(1);
    expect(exactMatch()(args({ a: 1 }, eo("{'a': 1}"))).score).toBe(1);
    expect(exactMatch()(args({ a: 1 }, eo({ a: 2 }))).score).toBe(0);
  });

  it("scores 0 without an output or an expected value", () => {
    expect(exactMatch()(args(null, eo("x")))).toMatchObject({ score: 0, explanation: "no output" });
    expect(exactMatch()(args("x", eo([])))).toMatchObject({ score: 0, explanation: "no expected value" });
    expect(exactMatch()(args("x", {}))).toMatchObject({ score: 0, explanation: "no expected value" });
  });
});

describe("isIn", () => {
  it("accepts any of the expected values, read from a Python literal list too", () => {
    expect(isIn()(args("docs", eo(["billing", "docs"]))).score).toBe(1);
    expect(isIn()(args("billing", eo("['billing', 'docs']"))).score).toBe(1);
    expect(isIn()(args("x", eo("y")))).toMatchObject({ score: 0, explanation: '"x" is not one of ["y"]' });
    expect(isIn()(args("42", eo("42"))).score).toBe(1);
    expect(isIn()(args(null, eo(["a"]))).score).toBe(0);
  });

  it("says that a list output is compared whole, where its items alone equal the expected values", () => {
    // Before: '["billing"] is not one of ["billing"]', which reads as a contradiction.
    expect(isIn()(args(["billing"], eo("billing")))).toMatchObject({
      score: 0,
      explanation: '["billing"] is not one of ["billing"] (the output is a list, compared whole: use contains to look for an item)',
    });
    expect(isIn()(args(["x"], eo("y")))).toMatchObject({ score: 0, explanation: '["x"] is not one of ["y"]' });
    expect(isIn()(args(["a", "b"], eo([["a", "b"]]))).score).toBe(1);
  });
});

describe("contains", () => {
  it("looks for the first expected value in text, in a list, or among an object's keys", () => {
    expect(contains()(args("Paris is the capital", eo("Paris"))).score).toBe(1);
    expect(contains()(args("xyz b", eo(["a", "b"])))).toMatchObject({ score: 0, explanation: '"a" not found' });
    expect(contains()(args(["a", "b"], eo("b"))).score).toBe(1);
    expect(contains()(args({ a: 1 }, eo("a"))).score).toBe(1);
  });

  it('finds "42" in text (Python reads it as 42 and raises a TypeError)', () => {
    expect(contains()(args("the answer is 42", eo("42"))).score).toBe(1);
  });

  it("folds case on request", () => {
    expect(contains({ ignoreCase: true })(args("PARIS", eo("paris"))).score).toBe(1);
    expect(contains()(args("PARIS", eo("paris"))).score).toBe(0);
  });

  it('searches a chat transcript\'s assistant text, as notContains reads it (not the key "messages")', () => {
    const transcript = {
      messages: [
        { role: "user", content: "repeat after me" },
        { role: "assistant", content: "You said: repeat after me", durationMs: 3 },
        { role: "user", content: "user only words" },
        { role: "assistant", content: [{ type: "text", text: "second reply" }] },
      ],
    };
    for (const output of [transcript, transcript.messages]) {
      expect(contains()(args(output, eo("You said"))).score).toBe(1);
      expect(notContains({ value: "You said" })(args(output, {})).score).toBe(0);
      expect(contains({ ignoreCase: true })(args(output, eo("SECOND REPLY"))).score).toBe(1);
      expect(contains()(args(output, eo("user only words")))).toMatchObject({ score: 0, explanation: '"user only words" not found' });
      expect(notContains({ value: "user only words" })(args(output, {})).score).toBe(1);
    }
    expect(contains()(args(transcript, eo("messages"))).score).toBe(0);
    // an object that is not a transcript is still searched by its keys
    expect(contains()(args({ messages: "hi" }, eo("messages"))).score).toBe(1);
  });

  it("throws on an output it cannot search, naming it", () => {
    expect(() => contains()(args(42, eo("4")))).toThrow("contains: the output 42 is not text, a list or an object (set outputKey)");
    expect(() => contains()(args("x", eo([5])))).toThrow("contains: the expected value 5 is not text");
    expect(() => contains()(args({ a: 1 }, eo([[1]])))).toThrow("contains: the expected value [1] cannot be a key of the output object");
  });

  it("does not find a number, true/false or null among an object output's keys (Python: False, not an error)", () => {
    for (const wanted of [42, true, null]) expect(contains()(args({ 42: 1, true: 2, null: 3 }, eo([wanted]))).score, String(wanted)).toBe(0);
  });
});

describe("notContains", () => {
  it("passes when none of the given texts appears", () => {
    expect(notContains({ value: ["password", "secret"] })(args("all good", {})).score).toBe(1);
    expect(notContains({ value: ["password", "secret"] })(args("the secret is", {}))).toMatchObject({ score: 0, explanation: 'found "secret"' });
    expect(notContains({ value: "SECRET", ignoreCase: true })(args("a secret", {})).score).toBe(0);
  });

  it("reads the forbidden texts from the expected values without `value`, and looks at the assistant's text in a transcript", () => {
    const transcript = {
      messages: [
        { role: "user", content: "what is the secret?" },
        { role: "assistant", content: "I will not say." },
      ],
    };
    expect(notContains({ expectedKey: "forbidden" })(args(transcript, { forbidden: "['secret']" })).score).toBe(1);
    expect(() => notContains()(args("x", {}))).toThrow('notContains: no option "value" and no expected.expected_output to read the forbidden texts from');
  });
});

describe("regexMatch", () => {
  it("searches the output with the first expected value as a pattern", () => {
    expect(regexMatch()(args("order 12345", eo("\\d{5}"))).score).toBe(1);
    expect(regexMatch()(args("x12", eo("^\\d+$")))).toMatchObject({ score: 0, explanation: "/^\\d+$/ does not match" });
    expect(regexMatch()(args("abc 42", eo("42"))).score).toBe(1);
    expect(regexMatch()(args("abc", eo(""))).score).toBe(0);
  });

  it("searches a chat transcript's assistant text", () => {
    const transcript = {
      messages: [
        { role: "user", content: "order 99" },
        { role: "assistant", content: "Order 12345 is on its way" },
      ],
    };
    expect(regexMatch()(args(transcript, eo("\\d{5}"))).score).toBe(1);
    expect(regexMatch()(args(transcript.messages, eo("^Order"))).score).toBe(1);
    expect(regexMatch()(args(transcript, eo("\\b99\\b"))).score).toBe(0);
    expect(() => regexMatch()(args({ a: 1 }, eo("a")))).toThrow('regexMatch: the output {"a":1} is not text (set outputKey)');
  });

  it("accepts Python's syntax where JavaScript's differs", () => {
    expect(regexMatch()(args("2024-01", eo("(?P<year>\\d{4})-(?P<m>\\d\\d)"))).score).toBe(1);
    expect(regexMatch()(args("abab", eo("(?P<x>ab)(?P=x)"))).score).toBe(1);
    expect(regexMatch()(args("HELLO", eo("(?i)hello"))).score).toBe(1);
    expect(regexMatch()(args("abc\n", eo("abc$"))).score).toBe(1);
    expect(regexMatch()(args("abc\n", eo("\\Aabc\\Z"))).score).toBe(0);
    expect(regexMatch()(args("a]", eo("^[]a]+$"))).score).toBe(1);
    expect(regexMatch()(args("ab", eo("(?#the a)a{,2}b}"))).score).toBe(0);
    expect(regexMatch()(args("aab}", eo("(?#the a)a{,2}b}"))).score).toBe(1);
    expect(regexMatch()(args("a:b{x}", eo("a\\:b{x}"))).score).toBe(1);
    expect(regexMatch()(args("\x07A\n", eo("\\a\\101\\012"))).score).toBe(1);
    expect(regexMatch()(args("😀", eo("\\U0001F600"))).score).toBe(1);
  });

  it("matches by code points and Unicode classes, as Python's re does on text", () => {
    const cases: [string, string, number][] = [
      ["😀", "^.$", 1],
      ["👍🏽", "^..$", 1],
      ["😀", "^[^a]$", 1],
      ["a\rb", "^a.b$", 1],
      ["a\u2028b", "(?m)a$", 0],
      ["a\nb", "(?m)a$", 1],
      ["naïve café", "^[\\w ]+$", 1],
      ["cafe\u0301", "^\\w+$", 0],
      ["٤٢", "^\\d+$", 1],
      ["café", "caf\\b", 0],
      ["café", "(?a)caf\\b", 1],
      ["a\x1cb", "a\\sb", 1],
      ["a\ufeffb", "a\\sb", 0],
      ["Kelvin", "(?i)\u212Aelvin", 1],
      ["STRASSE", "(?i)straße", 0],
    ];
    for (const [output, pattern, score] of cases) expect(regexMatch()(args(output, eo(pattern))).score, `${pattern} on ${output}`).toBe(score);
  });

  it("scores 0 for any pattern Python finds false (0, an empty list or object), as for an empty one", () => {
    for (const pattern of ["[0]", "[0.0]", "[[]]", "[{}]", "[None]", "[False]", "['']", "[]"]) {
      expect(regexMatch()(args("abc0", eo(pattern))), pattern).toEqual({ score: 0, label: "fail", explanation: "no pattern" });
    }
  });

  it("throws on a bad pattern or an output that is not text", () => {
    expect(() => regexMatch()(args("x", eo("(")))).toThrow(/regexMatch: the pattern "\(" is not a valid regular expression/);
    expect(() => regexMatch()(args(5, eo("\\d")))).toThrow("regexMatch: the output 5 is not text (set outputKey)");
    expect(() => regexMatch()(args("x", eo("(?x) a")))).toThrow("not supported");
  });
});
