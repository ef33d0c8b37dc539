import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadLocalDataset } from "../../src/datasets/local.js";
import { DatasetError } from "../../src/errors.js";
import { tempDir, writeFiles } from "../helpers/cli.js";
import { thrownMessage } from "../helpers/errors.js";

const csv = { inputKeys: ["user_query"], outputKeys: ["expected_output"], tagColumn: "tags", delimiter: "|" };
let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});

function folder(files: Record<string, string>): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  return writeFiles(dir, files);
}

// A JSONL dataset is a stream, read again each time it is iterated: read it once here, as a run does.
const load = (dir: string, extra: { datasetsDir?: string; version?: string } = {}) => {
  const dataset = loadLocalDataset("search", { experimentDir: dir, datasetsDir: extra.datasetsDir ?? null, csv, version: extra.version });
  return { ...dataset, examples: [...dataset.examples] };
};

describe("local datasets", () => {
  it("reads JSONL records, skipping blank lines, with their ids", () => {
    const dir = folder({ "dataset.jsonl": '{"id":"a","input":{"q":1},"output":{"x":2},"metadata":{"m":3}}\n\n{"id":7,"input":{"q":2}}\n' });
    const dataset = load(dir);
    expect(dataset.examples).toEqual([
      { id: "a", input: { q: 1 }, output: { x: 2 }, metadata: { m: 3 } },
      { id: "7", input: { q: 2 }, output: {}, metadata: {} },
    ]);
    expect(dataset.version).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(dataset.source).toBe(join(dir, "dataset.jsonl"));
  });

  it("reads files with a byte-order mark and Windows line endings", () => {
    const jsonl = load(folder({ "dataset.jsonl": '\uFEFF{"id":"a","input":{"q":1}}\r\n{"id":"b","input":{"q":2}}\r\n' }));
    expect(jsonl.examples.map((e) => e.id)).toEqual(["a", "b"]);
    const yaml = load(folder({ "dataset.yaml": "\uFEFF- id: y\r\n  input: { q: 1 }\r\n" }));
    expect(yaml.examples.map((e) => e.id)).toEqual(["y"]);
    const csvFile = load(folder({ "dataset.csv": "\uFEFFid,user_query,expected_output\r\nc1,hi,yo\r\n" }));
    expect(csvFile.examples[0]).toEqual({ id: "c1", input: { user_query: "hi" }, output: { expected_output: "yo" }, metadata: {} });
  });

  it("gives records without an id a stable id from their content, unique among duplicates", () => {
    const line = '{"input":{"q":"same"}}\n';
    const first = load(folder({ "dataset.jsonl": line + line })).examples.map((e) => e.id);
    const again = load(folder({ "dataset.jsonl": line + line })).examples.map((e) => e.id);
    expect(first).toEqual(again);
    expect(first[1]).toBe(`${first[0]}-2`);
  });

  it("hashes the content as the version, and checks a pinned dataset_version", () => {
    const dir = folder({ "dataset.jsonl": '{"input":{"q":1}}\n' });
    const { version } = load(dir);
    expect(load(folder({ "dataset.jsonl": '{"input":{"q":2}}\n' })).version).not.toBe(version);
    expect(load(dir, { version: version!.slice(7, 15) }).version).toBe(version);
    expect(thrownMessage(() => load(dir, { version: "deadbeef" }), DatasetError)).toMatch(/content hash is sha256:\w+, but dataset_version pins deadbeef/);
  });

  it("reads JSON and YAML lists, and { examples: [...] }", () => {
    const json = load(folder({ "dataset.json": '[{"id":"j","input":{"q":1}}]' }));
    const yaml = load(folder({ "dataset.yaml": "examples:\n  - id: y\n    input: { q: 1 }\n    output: { a: [1, 2] }\n" }));
    expect(json.examples[0]).toEqual({ id: "j", input: { q: 1 }, output: {}, metadata: {} });
    expect(yaml.examples[0]).toEqual({ id: "y", input: { q: 1 }, output: { a: [1, 2] }, metadata: {} });
  });

  it("maps CSV columns through input and output keys; lists by delimiter; strings stay strings", () => {
    const dir = folder({ "dataset.csv": 'id,user_query,expected_output,tags,note\nr1,"hello, world",42,a|b,x | y\n' });
    expect(load(dir).examples).toEqual([{ id: "r1", input: { user_query: "hello, world" }, output: { expected_output: "42" }, metadata: { tags: ["a", "b"], note: ["x", "y"] } }]);
  });

  it("finds <datasets_dir>/<name>.<ext> when the folder has no dataset file", () => {
    const data = folder({ "search.yaml": "- input: { q: 1 }\n" });
    expect(load(folder({}), { datasetsDir: data }).source).toBe(join(data, "search.yaml"));
  });

  it.each([
    [{ "dataset.jsonl": '{"input":{"q":1}}\n{"input": {"q": 2}\n' }, /dataset.jsonl:2: not valid JSON/],
    [{ "dataset.jsonl": '{"input":{"q":1}}\n\n{"output":{}}\n' }, /dataset.jsonl:3: "input" must be an object/],
    [{ "dataset.jsonl": '{"input":"text"}\n' }, /dataset.jsonl:1: "input" must be an object/],
    [{ "dataset.jsonl": '{"input":{},"outputs":{}}\n' }, /dataset.jsonl:1: unknown key "outputs"/],
    [{ "dataset.jsonl": '{"inputs":{"q":1}}\n' }, /dataset.jsonl:1: unknown key "inputs"; a record has input, output, metadata and id$/],
    [{ "dataset.jsonl": "[1]\n" }, /dataset.jsonl:1: expected an object/],
    [{ "dataset.jsonl": '{"id":"a","input":{}}\n{"id":"a","input":{}}\n' }, /dataset.jsonl:2: duplicate id "a" \(first on line 1\)/],
    [{ "dataset.json": '[\n  {"input": {}},\n  {"input": 5}\n]' }, /dataset.json:3: "input" must be an object/],
    [{ "dataset.yaml": "- input: { q: 1 }\n- input: [\n" }, /dataset.yaml:\d+:\d+: [^\n]*[^:]$/],
    [{ "dataset.yaml": "input: 1\n" }, /dataset.yaml:1: expected a list of records/],
    [{ "dataset.csv": "question,expected_output\nq,a\n" }, /dataset.csv:1: missing column "user_query" \(columns: question, expected_output\); add it or set \[dataset\] input_keys/],
    [{ "dataset.csv": 'user_query,expected_output\n"a,b\n' }, /dataset.csv/],
    [{ "dataset.jsonl": "\n\n" }, /dataset.jsonl: the dataset has no examples/],
    [{}, /no dataset for "search": add .*dataset.jsonl \(or set \[local\] datasets_dir\)/],
    [{ "dataset.jsonl": '{"input":{}}\n', "dataset.csv": "user_query\nq\n" }, /several dataset files for "search": .*dataset.jsonl, .*dataset.csv; keep one/],
  ])("fails with file and line: %#", (files, message) => {
    expect(thrownMessage(() => load(folder(files)), DatasetError)).toMatch(message);
  });
});
