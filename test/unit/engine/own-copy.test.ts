import { afterEach, describe, expect, it } from "vitest";
import { ownCopy } from "../../../src/engine/own-copy.js";

describe("ownCopy", () => {
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it("copies plain JSON deeply and returns primitives as they are", () => {
    const value = { a: [1, { b: "x" }], c: null };
    const copy = ownCopy(value);
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
    expect(copy.a[1]).not.toBe(value.a[1]);
    expect(ownCopy("text")).toBe("text");
  });

  it("copies own keys only: an enumerable key added to Object.prototype (prototype pollution) does not become the copy's own", () => {
    (Object.prototype as Record<string, unknown>).polluted = "yes";
    const copy = ownCopy({ n: 1, nested: { m: 2 } });
    expect(Object.keys(copy)).toEqual(["n", "nested"]);
    expect(Object.keys(copy.nested)).toEqual(["m"]);
    expect(JSON.stringify(copy)).toBe('{"n":1,"nested":{"m":2}}');
  });

  it('keeps a key named "__proto__" (JSON.parse makes it an own key) as a key, not as the copy\'s prototype', () => {
    const value = JSON.parse('{"__proto__": {"isAdmin": true}, "n": 1}');
    const copy = ownCopy(value);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { isAdmin?: boolean }).isAdmin).toBeUndefined();
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"isAdmin":true},"n":1}');
  });

  it("copies a class instance with the structuredClone evalwire loaded with, even when user code has replaced the global one", () => {
    class Answer {
      constructor(readonly text: string) {}
    }
    const original = globalThis.structuredClone;
    globalThis.structuredClone = () => {
      throw new Error("a polyfill that cannot clone this");
    };
    try {
      const value = new Answer("hi");
      const copy = ownCopy(value);
      expect(copy).not.toBe(value);
      expect(copy).toEqual({ text: "hi" });
    } finally {
      globalThis.structuredClone = original;
    }
  });

  it("copies a class that says how it is written (toJSON) as it is written, and a Date as a Date", () => {
    class Money {
      constructor(readonly cents: number) {}
      toJSON() {
        return `$${this.cents / 100}`;
      }
    }
    const when = new Date(0);
    const copy = ownCopy({ price: new Money(500), when });
    expect(copy.price).toBe("$5");
    expect(copy.when).toBeInstanceOf(Date);
    expect(copy.when).not.toBe(when);
    expect(copy.when.getTime()).toBe(0);
  });
});
