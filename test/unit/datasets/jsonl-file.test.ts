import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { toExamples } from "../../../src/datasets/dataset.js";
import { parseJsonl } from "../../../src/datasets/jsonl.js";
import { leadingId, openJsonlFile } from "../../../src/datasets/jsonl-file.js";
import { LineExample } from "../../../src/datasets/line-example.js";
import { DatasetError } from "../../../src/errors.js";
import { tempDir } from "../../helpers/cli.js";
import { thrownMessage } from "../../helpers/errors.js";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});

function file(text: string): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  const path = join(dir, "dataset.jsonl");
  writeFileSync(path, text);
  return path;
}

describe("a JSONL dataset read as a stream", () => {
  it("gives the same examples, ids and renamed duplicates as reading the file whole, every time it is iterated", () => {
    const lines = ['{"input":{"q":"same"}}', '{"id":"a","input":{"q":1},"output":{"x":2},"metadata":{"m":3}}', "", '{"input":{"q":"same"}}', '{"id":7,"input":{"q":"é"}}'];
    const text = `\uFEFF${lines.join("\r\n")}`;
    const path = file(text);
    const whole = toExamples(parseJsonl(text.slice(1), "d"), "d");
    const { examples, version } = openJsonlFile(path, "d");
    expect(examples.length).toBe(4);
    expect([...examples]).toEqual(whole);
    expect([...examples]).toEqual(whole);
    // As a run takes them: the lines with a leading id unparsed until a field is read, the same examples.
    const forRun = [...examples.forRun!()];
    expect(forRun.map((example) => example instanceof LineExample)).toEqual([false, true, false, true]);
    expect(forRun.map((example) => JSON.parse(JSON.stringify(example)))).toEqual(whole);
    expect(version).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it("reads lines longer than its 1 MB read chunk, and characters cut between two chunks", () => {
    const huge = "é".repeat(1_300_000);
    const records = [
      { id: "a", input: { text: "x" } },
      { id: "huge", input: { text: huge } },
      { id: "b", input: { text: "€" } },
    ];
    const path = file(records.map((record) => JSON.stringify(record)).join("\n"));
    expect([...openJsonlFile(path, "d").examples].map((example) => example.input.text)).toEqual(["x", huge, "€"]);
  });

  it("reads lines that span its read chunks (a file of several MB)", () => {
    const long = "x".repeat(300_000);
    const records = Array.from({ length: 12 }, (_, i) => ({ id: `r${i}`, input: { text: `${i}${long}` } }));
    const path = file(records.map((record) => JSON.stringify(record)).join("\n"));
    expect([...openJsonlFile(path, "d").examples].map((example) => example.input.text)).toEqual(records.map((record) => record.input.text));
  });

  it("refuses a bad line, a duplicate id and a record of the wrong shape before any example is taken, naming the line", () => {
    expect(thrownMessage(() => openJsonlFile(file('{"id":"a","input":{}}\n{oops\n'), "d.jsonl"), DatasetError)).toMatch(/^d\.jsonl:2: not valid JSON/);
    expect(thrownMessage(() => openJsonlFile(file('{"id":"a","input":{}}\n{"id":"b","input":{}}\n{"id":"a","input":{}}\n'), "d.jsonl"), DatasetError)).toBe(
      'd.jsonl:3: duplicate id "a" (first on line 1); ids must be unique',
    );
    expect(thrownMessage(() => openJsonlFile(file('{"id":"a","input":"text"}\n'), "d.jsonl"), DatasetError)).toMatch(/^d\.jsonl:1: "input" must be an object/);
  });

  it("stops with a clear error when the file changes while a run reads it", () => {
    const path = file('{"id":"a","input":{}}\n{"id":"b","input":{}}\n');
    const { examples } = openJsonlFile(path, "d.jsonl");
    appendFileSync(path, '{"id":"c","input":{}}\n');
    expect(thrownMessage(() => [...examples], DatasetError)).toBe("d.jsonl changed while the run read it; run again");
    const edited = openJsonlFile(path, "d.jsonl").examples;
    writeFileSync(path, '{"id":"a","input":{"q":1}}\n{"id":"b","input":{}}\n{"id":"c","input":{}}\n');
    expect(thrownMessage(() => [...edited], DatasetError)).toBe("d.jsonl changed while the run read it; run again");
    // Taken for a run, a line is not parsed on the way: the hash tells at the end.
    const unparsed = openJsonlFile(path, "d.jsonl").examples;
    writeFileSync(path, '{"id":"a","input":{"q":1}}\n{"id":"b","input":{}}\n{"id":"c","input":{"x":1}}\n');
    expect(thrownMessage(() => [...unparsed.forRun!()], DatasetError)).toBe("d.jsonl changed while the run read it; run again");
  });

  it("finds a line added past those checked before it is taken for a run, not after", () => {
    const path = file('{"id":"a","input":{}}\n{"id":"b","input":{}}\n');
    const { examples } = openJsonlFile(path, "d.jsonl");
    appendFileSync(path, '{"id":"late","input":{}}\n');
    const taken: string[] = [];
    const read = () => {
      for (const example of examples.forRun!()) taken.push(example.id);
    };
    expect(thrownMessage(read, DatasetError)).toBe("d.jsonl changed while the run read it; run again");
    expect(taken).toEqual(["a", "b"]);
  });

  it("names the file and the fix when a line taken for a run is read on the main thread (a cache key) after it stopped being JSON", () => {
    const path = file('{"id":"a","input":{}}\n{"id":"b","input":{}}\n');
    const { examples } = openJsonlFile(path, "d.jsonl");
    writeFileSync(path, '{"id":"a","input":{}}\n{"id":"b","input":{\n');
    const taken = examples.forRun!()[Symbol.iterator]();
    taken.next();
    const changed = taken.next().value!;
    expect(changed.id).toBe("b");
    expect(thrownMessage(() => changed.input, DatasetError)).toBe("d.jsonl changed while the run read it; run again");
  });

  it("leaves out the examples a resumed run has done, the same whether their ids are read off the line or parsed", () => {
    const lines = [
      '{"id":"a","input":{}}',
      '{"input":{"q":"same"}}',
      '{"id":7,"input":{}}',
      '{ "id": "spaced", "input": {} }',
      '{"input":{"q":"same"}}',
      '{"id":"b","input":{}}',
      '{"id":"é-1","input":{}}',
      '{"id":"q\\"uoted","input":{}}',
      '{"id":"c","input":{},"metadata":{"id":"x"}}',
    ];
    const { examples } = openJsonlFile(file(`${lines.join("\n")}\n`), "d");
    const all = [...examples].map((example) => example.id);
    expect(all.slice(6)).toEqual(["é-1", 'q"uoted', "c"]);
    const skipped = new Set([all[0]!, all[1]!, "7", "spaced", "é-1", 'q"uoted', "c"]);
    expect([...examples.forRun!((id) => skipped.has(id))].map((example) => example.id)).toEqual(all.filter((id) => !skipped.has(id)));
    expect(all[4]).toBe(`${all[1]}-2`);
  });

  it("reads an id off the start of a line only when no later key could be the id", () => {
    expect(leadingId('{"id":"ex-1","input":{}}')).toBe("ex-1");
    expect(leadingId('{"id":123,"input":{}}')).toBe("123");
    expect(leadingId('{"id":"a\\"b","input":{}}')).toBeNull();
    expect(leadingId('{"id":"a","input":{},"id":"b"}')).toBeNull();
    expect(leadingId('{"id":1e3,"input":{}}')).toBeNull();
    expect(leadingId('{"id":0123,"input":{}}')).toBeNull();
    expect(leadingId('{"input":{"id":"x"}}')).toBeNull();
    expect(leadingId('{ "id": "x" }')).toBeNull();
  });
});
