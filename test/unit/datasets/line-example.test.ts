import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { exampleOfLine, exampleView, LineExample } from "../../../src/datasets/line-example.js";
import { DatasetError } from "../../../src/errors.js";

const line = '{"id":"ex-1","input":{"q":"hi"},"output":{"a":1}}';
const plain = { id: "ex-1", input: { q: "hi" }, output: { a: 1 }, metadata: {} };

describe("LineExample", () => {
  it("is parsed only once a field is read, with the defaults of an example", () => {
    const example = new LineExample("ex-1", line, "d.jsonl");
    expect(example.parsed).toBe(false);
    expect(example.id).toBe("ex-1");
    expect(example.parsed).toBe(false);
    expect(example.metadata).toEqual({});
    expect(example.parsed).toBe(true);
    expect(example.input).toEqual({ q: "hi" });
    expect(example.output).toEqual({ a: 1 });
  });

  it("read after its line stopped being JSON (the file edited in place), names the file and the fix", () => {
    const example = new LineExample("ex-1", '{"id":"ex-1","inp', "d.jsonl");
    expect(() => example.input).toThrow(new DatasetError("d.jsonl changed while the run read it; run again"));
  });

  it("is written and shown as the plain example", () => {
    const example = new LineExample("ex-1", line, "d.jsonl");
    expect(JSON.parse(JSON.stringify(example))).toEqual(plain);
    expect(inspect(example)).toBe(inspect(plain));
  });

  it("is given to listeners as a view a spread, Object.keys and JSON see as the plain example", () => {
    const view = exampleView(new LineExample("ex-1", line, "d.jsonl"));
    expect({ ...view }).toEqual(plain);
    expect(Object.keys(view)).toEqual(["id", "input", "output", "metadata"]);
    expect(JSON.parse(JSON.stringify(view))).toEqual(plain);
    expect(inspect(view)).toBe(inspect(plain));
    expect(() => {
      (view as { id: string }).id = "other";
    }).toThrow(/read-only/);
    const other = { id: "x", input: {}, output: {}, metadata: {} };
    expect(exampleView(other)).toBe(other);
  });

  it("is parsed in the worker from its line; a line no longer JSON gives null there", () => {
    expect(exampleOfLine("ex-1", line)).toEqual(plain);
    expect(Object.keys(exampleOfLine("7", '{"id":7,"input":{}}')!)).toEqual(["id", "input", "output", "metadata"]);
    expect(exampleOfLine("7", '{"id":7,"input":{}}')!.id).toBe("7");
    expect(exampleOfLine("ex-1", '{"id":"ex-1","inp')).toBeNull();
  });
});
