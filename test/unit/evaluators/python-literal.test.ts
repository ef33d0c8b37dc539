import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePythonLiteral } from "../../../src/evaluators/python-literal.js";
import { pythonRepr } from "../../helpers/python-repr.js";

const read = (text: string) => parsePythonLiteral(text)?.value;

describe("parsePythonLiteral", () => {
  it("reads the list cells the Python evalwire's upload stores", () => {
    expect(read("['doc-q1', 'doc-q1-b']")).toEqual(["doc-q1", "doc-q1-b"]);
    expect(read("[\"a\", 'b']")).toEqual(["a", "b"]);
    expect(read("('a', 'b')")).toEqual(["a", "b"]);
    expect(read("[]")).toEqual([]);
  });

  it("reads strings with both quote kinds, escapes, prefixes and adjacent parts", () => {
    expect(read("'it\\'s'")).toBe("it's");
    expect(read('"say \\"hi\\""')).toBe('say "hi"');
    expect(read("'a\\tb\\n'")).toBe("a\tb\n");
    expect(read("'\\x41\\u00e9\\U0001F600\\101'")).toBe("Aé😀A");
    expect(read("'\\q'")).toBe("\\q");
    expect(read("r'\\d+'")).toBe("\\d+");
    expect(read("u'x'")).toBe("x");
    expect(read("'a' \"b\"")).toBe("ab");
    expect(read("'''one\ntwo'''")).toBe("one\ntwo");
  });

  it("reads numbers, True, False, None, tuples and dicts", () => {
    expect(read("[1, -2, +3.5, 1_000, 0x1F, 0o17, 0b101, 1e3, .5, 5.]")).toEqual([1, -2, 3.5, 1000, 31, 15, 5, 1000, 0.5, 5]);
    expect(read("[True, False, None]")).toEqual([true, false, null]);
    expect(read("(1,)")).toEqual([1]);
    expect(read("1, 2")).toEqual([1, 2]);
    expect(read("(1)")).toBe(1);
    expect(read("{'b': {'c': [1]}, 2: 'two'}")).toEqual({ b: { c: [1] }, 2: "two" });
    expect(read("[\n  1,  # one\n  2,\n]")).toEqual([1, 2]);
    const tricky = read("{'__proto__': {'polluted': True}}") as Record<string, unknown>;
    expect(Object.keys(tricky)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(tricky)).toBe(Object.prototype);
  });

  it("reads line ends and indents as Python's tokenizer does (\\r is a line end; an indented line is an error)", () => {
    expect(read("'''a\r\nb\rc'''")).toBe("a\nb\nc");
    expect(read("[1, # one\r 2]")).toEqual([1, 2]);
    expect(read("# a note\rTrue")).toBe(true);
    expect(read("1 #c\r''")).toBeUndefined();
    expect(read("\t[1]\n \n  # note\n")).toEqual([1]);
    expect(read("[1]\n\f")).toEqual([1]);
    expect(read("1 \\\n ,2")).toEqual([1, 2]);
    for (const indented of ["\n [1]", "#c\n [1]", "\f\t[1]", "[1]\n ", "[1]\n\t", "[1]#c\n ", "[1] \\\n", "\\\n\t1"]) expect(read(indented), JSON.stringify(indented)).toBeUndefined();
  });

  it("reads 200 nested brackets and no more, as Python's parser (100,000 overflowed the stack)", () => {
    const nested = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);
    for (const [open, close] of [
      ["[", "]"],
      ["(", ")"],
    ]) {
      expect(read(nested(200, open!, close!)), open).toBeDefined();
      expect(parsePythonLiteral(nested(201, open!, close!)), open).toBeUndefined();
    }
    expect(parsePythonLiteral(`${"{1:".repeat(201)}1${"}".repeat(201)}`)).toBeUndefined();
    expect(parsePythonLiteral(nested(100_000, "[", "]"))).toBeUndefined();
  });

  it("reads no decimal integer of more than 4,300 digits, as Python 3.11", () => {
    expect(read(`[${"1".repeat(4300)}]`)).toEqual([Number("1".repeat(4300))]);
    expect(parsePythonLiteral(`[${"1".repeat(4301)}]`)).toBeUndefined();
    expect(read(`[${"1".repeat(5000)}.0, 0x${"f".repeat(5000)}, ${"0".repeat(5000)}]`)).toEqual([Infinity, Infinity, 0]);
  });

  it("is not fooled by what is not a literal, and never evaluates it", () => {
    for (const text of ["hello", "hello world", "x", "__import__('os')", "f'x'", "b'x'", "1+2j", "set()", "{1, 2}", "01", "-True", "[1, 2", "[1] [2]", "'open", "1,\n2", "'\\N{BULLET}'", ""]) {
      expect(parsePythonLiteral(text), text).toBeUndefined();
    }
  });

  it("reads back what Python's repr writes, for any JSON value (property)", () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(value, fc.constantFrom<"'" | '"'>("'", '"'), (v, quote) => {
        expect(read(pythonRepr(v, quote))).toEqual(v);
      }),
    );
  });
});
