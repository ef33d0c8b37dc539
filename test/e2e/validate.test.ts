import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFiles } from "../helpers/cli.js";
import { describeRun, evalwire, stackFrames, useTempDirs } from "./_support.js";

const temp = useTempDirs();

/** A fresh working folder holding these files. */
function project(files: Record<string, string>): string {
  return writeFiles(temp(), files);
}

const clean = "user_query,expected_output,tags\nwhat is 6*7,42,math\nsky?,blue|grey,weather|smalltalk\n";

describe("evalwire validate", () => {
  it("passes a clean CSV with exit 0", async () => {
    const cwd = project({ "tests.csv": clean });
    const r = await evalwire(["validate", "tests.csv"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe("Validating tests.csv\nValidation passed: testset is valid.\n");
    expect(r.stderr).toBe("");
  });

  it("prints every issue with its file line and exits 1", async () => {
    const csv = [
      "user_query,expected_output,tags", // 1
      "hi,hello,a", // 2
      "no tag,x,", // 3
      "hi,hello,b", // 4: duplicate of 2
      "no answer,,a", // 5
    ].join("\n");
    const cwd = project({ "tests.csv": csv });
    const r = await evalwire(["validate", "tests.csv"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe(
      [
        "Validating tests.csv",
        '  row 3: empty tag (column "tags"): upload skips this row',
        "  row 4: duplicate of row 2 (same input and output)",
        '  row 5: empty expected output (column "expected_output")',
        "Validation failed: 3 issue(s) found.",
        "",
      ].join("\n"),
    );
  });

  it("names each missing column once, on row 1, with the columns flags", async () => {
    const cwd = project({ "tests.csv": "question,answer,labels\nq,a,t\n" });
    const r = await evalwire(["validate", "--csv", "tests.csv", "--input-keys", "question,context", "--output-keys", "answer", "--tag-column", "tags"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain('  row 1: missing column "context" (columns: question, answer, labels); add it or name the right column with --input-keys or [dataset] input_keys\n');
    expect(r.stdout).toContain('  row 1: missing column "tags" (columns: question, answer, labels); add it or name the right column with --tag-column or [dataset] tag_column\n');
    expect(r.stdout).toMatch(/Validation failed: 2 issue\(s\) found\.\n$/);

    const fixed = await evalwire(["validate", "--csv", "tests.csv", "--input-keys", "question", "--output-keys", "answer", "--tag-column", "labels"], cwd);
    expect(fixed.code, describeRun(fixed)).toBe(0);
  });

  it("passes a CSV without a tag column, as run reads it, noting what upload needs; a named tag column is required", async () => {
    const dataset = "user_query,expected_output\nwhat is 6*7,42\nsky?,blue\n";
    const cwd = project({
      "experiments/maths/task.ts": "export const task = (example: { input: { user_query: string } }) => example.input.user_query;\n",
      "experiments/maths/dataset.csv": dataset,
    });
    const run = await evalwire(["run"], cwd);
    expect(run.code, describeRun(run)).toBe(0);

    const r = await evalwire(["validate", join("experiments", "maths", "dataset.csv")], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe(
      [
        `Validating ${join("experiments", "maths", "dataset.csv")}`,
        '  note: no "tags" column, so upload needs --name NAME (the file as one dataset); a tag column splits it by tag',
        "Validation passed: testset is valid.",
        "",
      ].join("\n"),
    );

    const named = await evalwire(["validate", join("experiments", "maths", "dataset.csv"), "--tag-column", "tags"], cwd);
    expect(named.code, describeRun(named)).toBe(1);
    expect(named.stdout).toContain('  row 1: missing column "tags" (columns: user_query, expected_output); add it or name the right column with --tag-column or [dataset] tag_column\n');
    writeFiles(cwd, { "evalwire.toml": '[dataset]\ntag_column = "tags"\n' });
    const configured = await evalwire(["validate", join("experiments", "maths", "dataset.csv")], cwd);
    expect(configured.code, describeRun(configured)).toBe(1);
    expect(configured.stdout).toContain('missing column "tags"');
  });

  it("reads the file and the column settings from evalwire.toml, relative to the file's folder", async () => {
    const cwd = project({
      "conf/evalwire.toml": '[dataset]\ncsv_path = "../data/tests.csv"\ninput_keys = ["q"]\noutput_keys = "a"\ntag_column = "labels"\ndelimiter = ";"\n',
      "data/tests.csv": "q,a,labels\nx,1;2,t1;t2\nx,1;2,t3\n",
    });
    const r = await evalwire(["validate", "--config", "conf/evalwire.toml"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe(`Validating ${join("data", "tests.csv")}\n  row 3: duplicate of row 2 (same input and output)\nValidation failed: 1 issue(s) found.\n`);
  });

  it("checks JSONL, JSON and YAML records: malformed records, empty outputs, duplicates", async () => {
    const cwd = project({
      "good.jsonl": '{"id":"1","input":{"q":"a"},"output":{"o":"42"}}\n',
      "good.json": '[{"input":{"q":"a"},"output":{"o":"b"}}]',
      "good.yaml": "examples:\n  - input: { q: a }\n    output: { o: b }\n",
      "bad.jsonl": '{"input":{"q":"a"},"output":{"o":"1"}}\n{"input":{"q":"a"},"output":{"o":"1"}}\n{oops\n{"input":{"q":"b"}}\n{"input":{"q":"c"},"output":{},"note":1}\n',
      "bad.yaml": "- input: {q: a}\n  output: {o: b}\n- input: a string\n  output: {o: c}\n- input: {q: d}\n",
    });
    for (const file of ["good.jsonl", "good.json", "good.yaml"]) {
      const r = await evalwire(["validate", file], cwd);
      expect(r.code, `${file}\n${describeRun(r)}`).toBe(0);
    }
    const jsonl = await evalwire(["validate", "bad.jsonl"], cwd);
    expect(jsonl.code, describeRun(jsonl)).toBe(1);
    expect(jsonl.stdout.split("\n").slice(1)).toEqual([
      "  row 2: duplicate of row 1 (same input and output)",
      expect.stringMatching(/^ {2}row 3: not valid JSON \(/),
      '  row 4: empty expected output ("output" is missing)',
      '  row 5: unknown key "note"; a record has input, output, metadata and id',
      "Validation failed: 4 issue(s) found.",
      "",
    ]);
    const yaml = await evalwire(["validate", "bad.yaml"], cwd);
    expect(yaml.code, describeRun(yaml)).toBe(1);
    expect(yaml.stdout.split("\n").slice(1)).toEqual([
      '  row 3: "input" must be an object such as {"user_query": "..."}',
      '  row 5: empty expected output ("output" is missing)',
      "Validation failed: 2 issue(s) found.",
      "",
    ]);
  });

  it("needs no Phoenix: a broken PHOENIX_HOST does not matter", async () => {
    const cwd = project({ "tests.csv": clean });
    const r = await evalwire(["validate", "tests.csv"], cwd, { PHOENIX_HOST: "not a url" });
    expect(r.code, describeRun(r)).toBe(0);
  });

  it.each([
    [[], /^evalwire: no testset given: pass FILE or --csv PATH, or set \[dataset\] csv_path in evalwire.toml\n$/],
    [["missing.csv"], /^evalwire: missing\.csv: no such file\n$/],
    [["--csv", "missing.csv"], /^evalwire: --csv missing\.csv: no such file\n$/],
    [["tests.txt"], /^evalwire: tests\.txt: unknown testset format "\.txt"; use \.csv, \.jsonl, \.json, \.yaml or \.yml\n$/],
    [["tests.csv", "--csv", "other.csv"], /^evalwire: two testsets given \(tests\.csv and --csv other\.csv\); pass one\n$/],
    [["tests.csv", "--config", "nope.toml"], /^evalwire: --config nope\.toml: no such file\n$/],
    [["testsets"], /^evalwire: testsets: is a folder; name a testset file\n$/],
  ])("exits 2 with one line for %j", async (args, message) => {
    const cwd = project({ "tests.csv": clean, "tests.txt": clean, "testsets/tests.csv": clean });
    const r = await evalwire(["validate", ...args], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(stackFrames(r.stderr)).toEqual([]);
  });

  it("names [dataset] csv_path when the configured file is missing", async () => {
    const cwd = project({ "evalwire.toml": '[dataset]\ncsv_path = "data/gone.csv"\n' });
    const r = await evalwire(["validate"], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toBe(`evalwire: [dataset] csv_path in evalwire.toml: no such file (${join("data", "gone.csv")})\n`);
  });
});
