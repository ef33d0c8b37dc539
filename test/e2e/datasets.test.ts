import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeRun, evaluation, evalwire, fixture, readResults, readRun, resultsById, runDirFor, runFolders, useTempDirs } from "./_support.js";

const temp = useTempDirs();

describe("local datasets", () => {
  it("reads JSONL, JSON (a list or { examples }), YAML and CSV records into { id, input, output, metadata }", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("datasets")], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/5 experiments passed/);
    // _shared holds no task.ts: not an experiment
    expect(r.stdout).not.toMatch(/_shared/);

    // JSONL: blank lines skipped, ids kept (a number becomes a string), a missing id is generated
    const jsonl = readResults(runDirFor(cwd, "jsonl_file"));
    expect(jsonl).toHaveLength(3);
    const j1 = jsonl.find((x) => x.exampleId === "j1");
    expect(j1.output).toEqual({ id: "j1", input: { user_query: "first" }, expected: { expected_output: "one" }, metadata: { level: 1 } });
    const seven = jsonl.find((x) => x.output.input.user_query === "numeric id");
    expect(seven.exampleId).toBe("7");
    expect(seven.output.id).toBe("7");
    const generated = jsonl.find((x) => x.output.input.user_query === "no id");
    expect(typeof generated.exampleId).toBe("string");
    expect(generated.exampleId.length).toBeGreaterThan(0);
    expect(generated.exampleId).toBe(generated.output.id);
    // a missing output and metadata are empty objects
    expect(generated.output.expected).toEqual({});
    expect(generated.output.metadata).toEqual({});
    for (const result of jsonl) expect(evaluation(result, "seen").score).toBe(1);

    const list = resultsById(runDirFor(cwd, "json_list"));
    expect(Object.keys(list).sort()).toEqual(["l1", "l2"]);
    expect(list.l1.output).toMatchObject({ input: { user_query: "from a list" }, expected: { expected_output: "x" } });
    expect(list.l2.output.expected).toEqual({});

    const wrapped = readResults(runDirFor(cwd, "json_examples"));
    expect(wrapped.map((x) => x.exampleId)).toEqual(["e1"]);
    expect(wrapped[0].output).toMatchObject({ input: { user_query: "wrapped" }, metadata: { source: "doc" } });

    const yaml = resultsById(runDirFor(cwd, "yaml_file"));
    expect(Object.keys(yaml).sort()).toEqual(["y1", "y2"]);
    expect(yaml.y1.output).toMatchObject({ input: { user_query: "from yaml" }, expected: { expected_output: ["a", "b"] } });
    expect(yaml.y2.output.input).toEqual({ user_query: "second yaml" });

    // CSV: user_query -> input, expected_output -> output, "|" splits a cell into a list, quoted commas kept
    const csvDir = runDirFor(cwd, "csv_file");
    const csv = resultsById(csvDir);
    expect(Object.keys(csv).sort()).toEqual(["c1", "c2"]);
    expect(csv.c1.output.input).toEqual({ user_query: "what is up" });
    expect(csv.c1.output.expected).toEqual({ expected_output: ["sky", "ceiling"] });
    expect(csv.c1.output.metadata).toMatchObject({ tags: ["weather", "smalltalk"], note: "plain note" });
    expect(csv.c2.output.input).toEqual({ user_query: "a, quoted question" });
    expect(csv.c2.output.expected).toEqual({ expected_output: "ground" });

    // the content hash of the file is the dataset's version
    const sha = createHash("sha256")
      .update(readFileSync(fixture("datasets", "csv_file", "dataset.csv")))
      .digest("hex");
    const version = String(readRun(csvDir).dataset.version).replace(/^sha256:/, "");
    expect(version.length).toBeGreaterThanOrEqual(8);
    expect(sha.startsWith(version)).toBe(true);
  });

  it("a malformed, empty, missing or ambiguous dataset fails its experiment naming the file and line; the good one is recorded", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("malformed-datasets")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const culprits: Record<string, RegExp> = {
      bad_jsonl: /bad_jsonl[\\/]dataset\.jsonl:3\b/,
      bad_record: /bad_record[\\/]dataset\.jsonl:2\b.*input/,
      bad_csv: /bad_csv[\\/]dataset\.csv\b.*expected_output/,
      ragged_csv: /ragged_csv[\\/]dataset\.csv:3\b/,
      bad_yaml: /bad_yaml[\\/]dataset\.yaml:[56]\b/,
      bad_json: /bad_json[\\/]dataset\.json:3\b/,
      json_object: /json_object[\\/]dataset\.json\b.*list/,
      unknown_field: /unknown_field[\\/]dataset\.jsonl:1\b.*expected/,
      duplicate_ids: /duplicate_ids[\\/]dataset\.jsonl:3\b.*same/,
      empty: /empty[\\/]dataset\.jsonl\b.*(no examples|empty)/,
      no_dataset: /no_dataset\b.*dataset\.jsonl/,
      two_datasets: /two_datasets[\\/]dataset\.(jsonl|csv)\b.*two_datasets[\\/]dataset\.(jsonl|csv)\b/,
    };
    for (const [experiment, message] of Object.entries(culprits)) {
      const lines = r.all.split("\n").filter((line) => line.includes(experiment));
      expect(
        lines.some((line) => message.test(line)),
        `${experiment}: no line matching ${message} in\n${lines.join("\n")}`,
      ).toBe(true);
    }
    expect(r.stdout).toMatch(/12 of 13 experiments failed/);
    expect(runFolders(cwd)).toHaveLength(1);
    const [good] = readResults(runDirFor(cwd, "good"));
    expect(good).toMatchObject({ exampleId: "a", status: "ok", output: { ok: true } });
    expect(evaluation(good, "ok").score).toBe(1);
  });
});
