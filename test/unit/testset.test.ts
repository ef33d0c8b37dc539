import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseCli } from "../../src/cli/parse.js";
import { defaultCsvOptions, resolveSettings } from "../../src/config/settings.js";
import { parseCsv } from "../../src/datasets/csv.js";
import { defaultDatasetName, exampleKey, planUpload, readTestset, stableJson, type Testset, testsetFormat } from "../../src/datasets/testset.js";
import { DatasetError, UsageError } from "../../src/errors.js";
import { tempDir, writeFiles } from "../helpers/cli.js";
import { thrownMessage } from "../helpers/errors.js";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});

/** Writes files into a fresh folder and returns the folder. */
function folder(files: Record<string, string>): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  return writeFiles(dir, files);
}

const csv = defaultCsvOptions();
const read = (name: string, content: string, options: { byTag?: boolean | "if-present"; csv?: Partial<typeof csv> } = {}): Testset =>
  readTestset(join(folder({ [name]: content }), name), { csv: { ...csv, ...options.csv }, byTag: options.byTag });
const issues = (testset: Testset) => testset.issues.map(({ line, kind, message }) => ({ line, kind, message }));

describe("readTestset: CSV", () => {
  it("passes a clean file, keeping numeric strings as strings and splitting cells on the delimiter", () => {
    const testset = read("t.csv", "user_query,expected_output,tags,note\nwhat is 6*7,42,math,007\nsky?,blue | grey,weather|smalltalk,\n");
    expect(testset.issues).toEqual([]);
    expect(testset.rows).toEqual([
      { line: 2, input: { user_query: "what is 6*7" }, output: { expected_output: "42" }, metadata: { tags: ["math"], note: "007" }, tags: ["math"] },
      { line: 3, input: { user_query: "sky?" }, output: { expected_output: ["blue", "grey"] }, metadata: { tags: ["weather", "smalltalk"], note: "" }, tags: ["weather", "smalltalk"] },
    ]);
  });

  it("reports every issue kind with the file line of its row, in line order", () => {
    const text = [
      "user_query,expected_output,tags", // 1
      "hi,hello,a", // 2
      '"a question',
      'over two lines",x,', // 3-4: empty tag, reported on the line the row starts
      "", // 5: blank, skipped
      "hi,hello,b", // 6: duplicate of row 2 (same input and output; tags do not count)
      "q,,a", // 7: empty expected output
      "q2,  ,  |  ", // 8: blank output and a tag cell of only delimiters
    ].join("\n");
    expect(issues(read("t.csv", text))).toEqual([
      { line: 3, kind: "empty-tag", message: 'empty tag (column "tags"): upload skips this row' },
      { line: 6, kind: "duplicate", message: "duplicate of row 2 (same input and output)" },
      { line: 7, kind: "empty-output", message: 'empty expected output (column "expected_output")' },
      { line: 8, kind: "empty-tag", message: 'empty tag (column "tags"): upload skips this row' },
      { line: 8, kind: "empty-output", message: 'empty expected output (column "expected_output")' },
    ]);
  });

  it("reports each missing column once, on the header line, naming the flag that maps it", () => {
    const testset = read("t.csv", "question,answer\nq,a\n", { csv: { inputKeys: ["question", "context"] } });
    expect(issues(testset)).toEqual([
      { line: 1, kind: "missing-column", message: 'missing column "context" (columns: question, answer); add it or name the right column with --input-keys or [dataset] input_keys' },
      { line: 1, kind: "missing-column", message: 'missing column "expected_output" (columns: question, answer); add it or name the right column with --output-keys or [dataset] output_keys' },
      { line: 1, kind: "missing-column", message: 'missing column "tags" (columns: question, answer); add it or name the right column with --tag-column or [dataset] tag_column' },
    ]);
  });

  it("needs no tag column when the file is one dataset (byTag false)", () => {
    const testset = read("t.csv", "user_query,expected_output\nq,a\n", { byTag: false });
    expect(testset.issues).toEqual([]);
    expect(testset.rows[0]!.tags).toBeUndefined();
  });

  it("checks the tag column only when the file has it (byTag if-present, as validate reads a file)", () => {
    const untagged = read("t.csv", "user_query,expected_output\nq,a\n", { byTag: "if-present" });
    expect(untagged.issues).toEqual([]);
    expect(untagged.tagColumn).toBeUndefined();
    expect(untagged.rows[0]!.tags).toBeUndefined();
    const tagged = read("t.csv", "user_query,expected_output,tags\nq,a,x|y\nq2,a2,\n", { byTag: "if-present" });
    expect(tagged.tagColumn).toBe("tags");
    expect(tagged.rows[0]!.tags).toEqual(["x", "y"]);
    expect(issues(tagged)).toEqual([{ line: 3, kind: "empty-tag", message: 'empty tag (column "tags"): upload skips this row' }]);
  });

  it("uses the configured columns and delimiter", () => {
    const testset = read("t.csv", "id,question,answer,labels\nk1,reset?,use the link;or mail,auth; account\n", {
      csv: { inputKeys: ["question"], outputKeys: ["answer"], tagColumn: "labels", delimiter: ";" },
    });
    expect(testset.issues).toEqual([]);
    expect(testset.rows).toEqual([
      { line: 2, id: "k1", input: { question: "reset?" }, output: { answer: ["use the link", "or mail"] }, metadata: { labels: ["auth", "account"] }, tags: ["auth", "account"] },
    ]);
  });

  it("reports an unparseable CSV and a file with no rows", () => {
    expect(issues(read("t.csv", "user_query,expected_output,tags\nq,a,t\nq2,a2\n"))).toEqual([{ line: 3, kind: "unreadable", message: expect.stringContaining("Invalid Record Length") }]);
    expect(issues(read("t.csv", "user_query,expected_output,tags\n"))).toEqual([{ line: 1, kind: "no-examples", message: "no data rows below the header" }]);
  });
});

describe("readTestset: JSONL, JSON and YAML records", () => {
  it("passes clean records in every format", () => {
    const record = { id: "r1", input: { q: "42" }, output: { a: "x" }, metadata: { m: 1 } };
    for (const [name, text] of [
      ["t.jsonl", `${JSON.stringify(record)}\n`],
      ["t.json", JSON.stringify([record])],
      ["t.yaml", '- id: r1\n  input: { q: "42" }\n  output: { a: x }\n  metadata: { m: 1 }\n'],
      ["t.yml", JSON.stringify({ examples: [record] })],
    ] as const) {
      const testset = read(name, text);
      expect(testset.issues, name).toEqual([]);
      expect(testset.rows, name).toEqual([{ line: 1, ...record }]);
    }
  });

  it("reports malformed records, bad JSON lines, empty outputs, duplicate ids and duplicates, on their lines", () => {
    const text = [
      '{"input":{"q":"a"},"output":{"o":"1"}}', // 1
      "not json", // 2
      '{"input":"a string"}', // 3
      '{"input":{"q":"b"},"extra":1}', // 4
      '{"id":"y","input":{"q":"c"}}', // 5: no output
      '{"id":"y","input":{"q":"d"},"output":{"o":""}}', // 6: duplicate id, empty output
      "",
      '{"input":{"q":"a"},"output":{"o":"1"},"metadata":{"other":true}}', // 8: duplicate of 1
    ].join("\n");
    expect(issues(read("t.jsonl", text))).toEqual([
      { line: 2, kind: "malformed-record", message: expect.stringMatching(/^not valid JSON/) },
      { line: 3, kind: "malformed-record", message: '"input" must be an object such as {"user_query": "..."}' },
      { line: 4, kind: "malformed-record", message: 'unknown key "extra"; a record has input, output, metadata and id' },
      { line: 5, kind: "empty-output", message: 'empty expected output ("output" is missing)' },
      { line: 6, kind: "duplicate-id", message: 'duplicate id "y" (first on row 5)' },
      { line: 6, kind: "empty-output", message: 'empty expected output ("output" is empty)' },
      { line: 8, kind: "duplicate", message: "duplicate of row 1 (same input and output)" },
    ]);
  });

  it("reports a YAML or JSON document that does not parse, and an empty list", () => {
    expect(issues(read("t.yaml", "- input: {q: a}\n  output: {o: b}\n- input: [\n"))).toEqual([{ line: expect.any(Number), kind: "unreadable", message: expect.any(String) }]);
    expect(issues(read("t.json", '{"examples": 3}'))).toEqual([{ line: 1, kind: "unreadable", message: "expected a list of records, or { examples: [...] }" }]);
    expect(issues(read("t.json", "[]"))).toEqual([{ line: 1, kind: "no-examples", message: "no records" }]);
  });

  it("throws a usage error for an unknown extension or a missing file", () => {
    expect(thrownMessage(() => testsetFormat("data.txt"), UsageError)).toMatch(/unknown testset format "\.txt"; use \.csv, \.jsonl, \.json, \.yaml or \.yml/);
    expect(thrownMessage(() => readTestset(join(folder({}), "gone.csv"), { csv }), UsageError)).toMatch(/gone\.csv: no such file/);
  });
});

describe("planUpload", () => {
  it("makes one dataset per tag in order of first appearance; a row with several tags goes into each", () => {
    const testset = read("t.csv", "user_query,expected_output,tags\nq1,a1,b|a\nq2,a2,a\nq3,a3, c | b \n");
    const plan = planUpload(testset);
    expect(plan.warnings).toEqual([]);
    expect(plan.datasets.map((d) => [d.name, d.examples.map((e) => e.input.user_query), d.lines])).toEqual([
      ["b", ["q1", "q3"], [2, 4]],
      ["a", ["q1", "q2"], [2, 3]],
      ["c", ["q3"], [4]],
    ]);
    expect(plan.datasets[0]!.examples[0]).toEqual({ input: { user_query: "q1" }, output: { expected_output: "a1" }, metadata: { tags: ["b", "a"] } });
  });

  it("leaves out rows with an empty tag (never a dataset named nan or empty), and uploads an identical row once", () => {
    const testset = read("t.csv", "user_query,expected_output,tags\nq1,a1,a\nq2,a2,\nq1,a1,a\nq1,a1,a|a\n");
    const plan = planUpload(testset);
    expect(plan.datasets.map((d) => d.name)).toEqual(["a"]);
    // row 5 has other metadata (tags [a, a]) so it is not the same example, but it goes into "a" once
    expect(plan.datasets[0]!.lines).toEqual([2, 5]);
    expect(plan.warnings).toEqual([
      expect.stringMatching(/t\.csv:3: empty tag \(column "tags"\); row not uploaded$/),
      expect.stringMatching(/t\.csv:4: same input, output and metadata as row 2; uploaded once$/),
    ]);
  });

  it("with a name, makes a CSV one dataset and ignores tags", () => {
    const testset = read("t.csv", "user_query,expected_output\nq1,a1\nq2,a2\n", { byTag: false });
    const plan = planUpload(testset, { name: "support" });
    expect(plan.datasets.map((d) => [d.name, d.examples.length])).toEqual([["support", 2]]);
  });

  it("names a records file by --name, else its stem, else the folder of dataset.<ext>", () => {
    const dir = folder({ "experiments/es_search/dataset.jsonl": '{"input":{"q":"a"},"output":{"o":"b"}}\n', "smoke.yaml": "- input: {q: a}\n" });
    const nested = readTestset(join(dir, "experiments/es_search/dataset.jsonl"), { csv });
    expect(planUpload(nested).datasets.map((d) => d.name)).toEqual(["es_search"]);
    expect(planUpload(nested, { name: "other" }).datasets.map((d) => d.name)).toEqual(["other"]);
    expect(planUpload(readTestset(join(dir, "smoke.yaml"), { csv })).datasets.map((d) => d.name)).toEqual(["smoke"]);
    expect(defaultDatasetName("a/b/dataset.json")).toBe("b");
    expect(defaultDatasetName("a/b/golden.set.jsonl")).toBe("golden.set");
  });

  it("warns that ids are not uploaded when the file has some", () => {
    const plan = planUpload(read("t.jsonl", '{"id":"a","input":{"q":"1"},"output":{"o":"1"}}\n'));
    expect(plan.warnings).toEqual([expect.stringMatching(/example ids are not uploaded; Phoenix gives each example its own id/)]);
  });

  it("refuses a file with a blocking issue, naming the line and the count of others", () => {
    const testset = read("t.jsonl", 'nope\n{"input":1}\n{"input":{"q":"ok"}}\n');
    expect(thrownMessage(() => planUpload(testset), DatasetError)).toMatch(/t\.jsonl:1: not valid JSON .*\(and 1 more problem: evalwire validate .*t\.jsonl lists them\); nothing uploaded$/);
    expect(thrownMessage(() => planUpload(read("t.csv", "user_query,expected_output,tags\nq,a,\n")), DatasetError)).toMatch(/no row has a tag, so there is nothing to upload; .*--name NAME/);
  });
});

describe("example identity", () => {
  it("ignores key order, not values or types", () => {
    expect(stableJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe('{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}');
    expect(exampleKey({ input: { a: 1, b: 2 }, output: {}, metadata: {} })).toBe(exampleKey({ input: { b: 2, a: 1 }, output: {}, metadata: {} }));
    expect(exampleKey({ input: { a: "42" }, output: {}, metadata: {} })).not.toBe(exampleKey({ input: { a: 42 }, output: {}, metadata: {} }));
  });
});

describe("the CSV reader shared with the local backend", () => {
  it("gives a quoted cell spanning lines the line the row starts on", () => {
    const records = [...parseCsv('id,user_query,expected_output\na,"two\nlines",x\nb,one,y\n', "f.csv", csv)];
    expect(records.map((r) => r.line)).toEqual([2, 4]);
    expect(records[0]!.value).toEqual({ id: "a", input: { user_query: "two\nlines" }, output: { expected_output: "x" }, metadata: {} });
  });
});

describe("[dataset] settings for upload and validate", () => {
  it("resolves csv_path against the config file's folder and on_exist, with flags winning", () => {
    const dir = folder({ "conf/evalwire.toml": '[dataset]\ncsv_path = "data/tests.csv"\non_exist = "append"\ntag_column = "labels"\n' });
    const fromFile = resolveSettings({ config: "conf/evalwire.toml" }, {}, dir);
    expect(fromFile).toMatchObject({ csvPath: join(dir, "conf", "data", "tests.csv"), onExist: "append", csv: { tagColumn: "labels" } });
    const flagged = resolveSettings({ config: "conf/evalwire.toml", csv: "x.csv", onExist: "overwrite", tagColumn: "t", inputKeys: ["q"], outputKeys: [], delimiter: ";" }, {}, dir);
    expect(flagged).toMatchObject({ csvPath: join(dir, "x.csv"), onExist: "overwrite" });
    expect(flagged.csv).toEqual({ inputKeys: ["q"], outputKeys: [], tagColumn: "t", delimiter: ";" });
    expect(resolveSettings({}, {}, folder({}))).toMatchObject({ csvPath: null, onExist: "skip" });
  });
});

describe("parseCli: validate, upload, pull", () => {
  it("parses every flag into typed values, with the positional file or name", () => {
    expect(parseCli(["validate", "t.csv", "--input-keys", "q, ctx", "--output-keys", "a", "--tag-column", "labels", "--delimiter", ";", "--config", "c.toml"])).toEqual({
      command: "validate",
      file: "t.csv",
      flags: { inputKeys: ["q", "ctx"], outputKeys: ["a"], tagColumn: "labels", delimiter: ";", config: "c.toml" },
    });
    expect(parseCli(["upload", "--csv", "t.csv", "--on-exist", "append", "--strict", "--name", "ds", "--phoenix-url", "http://x:6006", "--output-keys", ""])).toEqual({
      command: "upload",
      file: undefined,
      flags: { csv: "t.csv", onExist: "append", strict: true, name: "ds", phoenixUrl: "http://x:6006", outputKeys: [] },
    });
    // --version after the command is pull's, not the program's
    expect(parseCli(["pull", "es_search", "--output", "o.yaml", "--version", "V1", "--split", "a", "--split", "b", "--experiments", "e"])).toEqual({
      command: "pull",
      name: "es_search",
      flags: { output: "o.yaml", version: "V1", split: ["a", "b"], experiments: "e" },
    });
  });

  it.each([
    [["upload", "--on-exist", "replace"], /--on-exist takes skip, overwrite or append \(got "replace"\)/],
    [["validate", "--input-keys", " , "], /--input-keys takes column names separated by commas/],
    [["validate", "--delimiter", ""], /^--delimiter takes a non-empty string such as \| \(got ""\)$/],
    [["validate", "--tag-column", " "], /--tag-column takes a column name/],
    [["validate", "a.csv", "b.csv"], /too many arguments for 'validate'/],
    [["upload", "--name", ""], /--name takes a dataset name/],
    [["pull"], /missing required argument 'name'/],
    [["pull", "ds", "--bogus"], /unknown option '--bogus'/],
  ])("rejects %j", (argv, message) => {
    expect(thrownMessage(() => parseCli(argv), UsageError)).toMatch(message);
  });
});
