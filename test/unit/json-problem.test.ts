import { describe, expect, it } from "vitest";
import { jsonProblem } from "../../src/engine/json-problem.js";

describe("jsonProblem: what JSON would silently change or refuse", () => {
  it("takes JSON values, Dates and undefined as JSON writes them", () => {
    for (const value of [null, 1, "s", true, [1, "a", null], { a: { b: [1, { c: 2 }] } }, { d: new Date(0) }, { u: undefined }, [undefined], { s: "x".repeat(10) }]) {
      expect(jsonProblem(value), JSON.stringify(value)).toBeNull();
    }
  });

  it("names what is not JSON, and where", () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const cases: [unknown, string][] = [
      [10n, "a bigint"],
      [{ tokens: 10n }, "a bigint at .tokens"],
      [() => 1, "a function"],
      [Symbol("s"), "a symbol"],
      [Number.NaN, "NaN"],
      [{ scores: [1, Number.POSITIVE_INFINITY] }, "Infinity at .scores[1]"],
      [{ m: new Map([[1, 2]]) }, "a Map at .m"],
      [[new Set([1])], "a Set at [0]"],
      [{ bytes: new Uint8Array([1]) }, "a Uint8Array at .bytes"],
      [{ error: new TypeError("x") }, "a TypeError at .error"],
      [cycle, "a cycle at .self"],
    ];
    for (const [value, problem] of cases) expect(jsonProblem(value)).toBe(problem);
  });

  it("the same object twice is no cycle", () => {
    const shared = { x: 1 };
    expect(jsonProblem({ a: shared, b: shared, list: [shared, shared] })).toBeNull();
  });

  it("a getter that throws is the problem", () => {
    expect(
      jsonProblem({
        get broken() {
          throw new Error("no access");
        },
      }),
    ).toBe("no access");
  });

  it("a toJSON method that throws is the problem, named with where it is", () => {
    const when = {
      toJSON() {
        throw new Error("toJSON refuses");
      },
    };
    expect(jsonProblem({ when })).toBe("a toJSON() that throws at .when (toJSON refuses)");
    expect(jsonProblem({ when: { toJSON: () => 1n } })).toBe("a toJSON() that throws at .when (Do not know how to serialize a BigInt)");
  });

  it("a class instance with no fields of its own, which JSON writes as {}, is the problem: a fetch Response, Headers, private fields only", () => {
    class Answer {
      readonly #text: string;
      constructor(text: string) {
        this.#text = text;
      }
      get text() {
        return this.#text;
      }
    }
    const response = new Response('{"a":1}');
    expect(jsonProblem(response)).toBe("a Response: JSON writes it as {}; return the data it holds, such as await response.json()");
    expect(jsonProblem({ reply: new Headers({ a: "1" }) })).toBe("a Headers at .reply: JSON writes it as {}; return the data it holds");
    expect(jsonProblem([new Answer("hi")])).toBe("an Answer at [0]: JSON writes it as {}; return the data it holds");
    // Fields of its own, or an empty object literal, are written as they are.
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    expect(jsonProblem(new Point(1, 2))).toBeNull();
    expect(jsonProblem({ empty: {}, none: Object.create(null) })).toBeNull();
  });
});
