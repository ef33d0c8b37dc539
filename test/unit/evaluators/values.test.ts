import { describe, expect, it } from "vitest";
import { atPath } from "../../../src/evaluators/options.js";
import { deepEqual, expectedItems, readCollection, sameValue, textOf } from "../../../src/evaluators/values.js";

describe("expectedItems", () => {
  it("reads expected_output as the Python evalwire does, without turning text into numbers", () => {
    expect(expectedItems(undefined)).toEqual([]);
    expect(expectedItems(["a", "b"])).toEqual(["a", "b"]);
    expect(expectedItems("['a', 'b']")).toEqual(["a", "b"]);
    expect(expectedItems("('a',)")).toEqual(["a"]);
    expect(expectedItems('["a", null]')).toEqual(["a", null]);
    expect(expectedItems("{'a': 1}")).toEqual([{ a: 1 }]);
    expect(expectedItems('{"a": true}')).toEqual([{ a: true }]);
    for (const text of ["42", "2.72", "True", "None", "'quoted'", "plain text", ""]) expect(expectedItems(text), text).toEqual([text]);
    expect(expectedItems(42)).toEqual([42]);
    expect(expectedItems(null)).toEqual([null]);
  });
});

describe("sameValue", () => {
  it("compares by value: key order never matters, a JSON string of an object equals it, true is not 1", () => {
    expect(deepEqual({ a: [1, { b: 2, c: 3 }] }, { a: [1, { c: 3, b: 2 }] })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue('{"b": 1, "a": [true]}', { a: [true], b: 1 })).toBe(true);
    expect(sameValue(["a"], "['a']")).toBe(true);
    expect(sameValue(true, 1)).toBe(false);
    expect(sameValue("42", 42)).toBe(false);
    expect(sameValue(Object.assign(Object.create(null), { a: 1 }), { a: 1 })).toBe(true);
    expect(readCollection("not a list")).toBeUndefined();
  });
});

describe("textOf and atPath", () => {
  it("give a transcript's assistant text, and fields at dot paths of objects or JSON strings", () => {
    expect(
      textOf({
        messages: [
          { role: "system", content: "be nice" },
          { role: "assistant", content: "hi" },
          { role: "assistant", content: [{ type: "text", text: "there" }] },
        ],
      }),
    ).toBe("hi\nthere");
    expect(
      textOf([
        { role: "user", content: "q" },
        { role: "assistant", content: { reply: "a" } },
        { role: "assistant", content: null, tool_calls: [] },
      ]),
    ).toBe('{"reply":"a"}');
    expect(textOf(null)).toBe("");
    expect(textOf(3)).toBe("3");
    expect(textOf({ a: 1 })).toBe('{"a":1}');
    expect(atPath({ a: { "b.c": [5] } }, "a.b\\.c.0")).toBe(5);
    expect(atPath('{"a": {"b": 1}}', "a.b")).toBe(1);
    expect(atPath("not json", "a")).toBeUndefined();
    expect(atPath(7, "a")).toBeUndefined();
  });
});
