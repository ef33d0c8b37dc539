// `evalwire pull` against a real Phoenix: datasets are written to local files that `run --backend local` runs.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { describeRun, readResults, runDirFor, evalwire as spawnEvalwire, useTempDirs } from "../e2e/_support.js";
import { writeFiles } from "../helpers/cli.js";
import { uniqueName } from "./_support.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();

function project(files: Record<string, string>): string {
  return writeFiles(temp(), files);
}

const evalwire = (args: string[], cwd: string) => spawnEvalwire(args, cwd, { PHOENIX_HOST: phoenix().url });

async function api(path: string, init?: RequestInit): Promise<any> {
  const response = await fetch(`${phoenix().url}${path}`, init);
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A dataset's examples straight from the server: { version_id, examples: [{ id, input, output, metadata }] }. */
async function serverExamples(name: string, versionId?: string): Promise<{ versionId: string; records: Record<string, unknown>[] }> {
  const { data: datasets } = await api(`/v1/datasets?name=${encodeURIComponent(name)}&limit=100`);
  const dataset = datasets.find((d: { name: string }) => d.name === name);
  const { data } = await api(`/v1/datasets/${dataset.id}/examples${versionId ? `?version_id=${encodeURIComponent(versionId)}` : ""}`);
  return { versionId: data.version_id, records: data.examples.map(({ id, input, output, metadata }: any) => ({ id, input, output, metadata })) };
}

const jsonl = (records: unknown[]) => `${records.map((record) => JSON.stringify(record)).join("\n")}\n`;
const readJsonl = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));

/** An experiment whose task returns the expected output, scored by an exact-match evaluator. */
const experimentFiles = (folder: string) => ({
  [`experiments/${folder}/task.ts`]: "export function task(example: { output: unknown }) {\n  return example.output;\n}\n",
  [`experiments/${folder}/same.ts`]: "export const same = ({ output, expected }: { output: unknown; expected: unknown }) => JSON.stringify(output) === JSON.stringify(expected);\n",
});

const records = [
  { input: { user_query: "what is 6*7" }, output: { expected_output: "42" }, metadata: { level: "1" } },
  { input: { user_query: "colours" }, output: { expected_output: ["blue", "grey"] }, metadata: {} },
  { input: { user_query: "nested", ctx: { k: [1, 2] } }, output: { expected_output: { a: null } }, metadata: { tags: ["x"] } },
];

describePhoenix("evalwire pull", () => {
  it("round trip: upload a file, pull it into the experiment folder using it, and run it with the local backend", async () => {
    const name = uniqueName("es_search");
    const cwd = project({ ...experimentFiles(name), [`experiments/${name}/dataset.jsonl`]: jsonl(records) });
    const dataset = join(cwd, "experiments", name, "dataset.jsonl");
    const up = await evalwire(["upload", `experiments/${name}/dataset.jsonl`], cwd);
    expect(up.code, describeRun(up)).toBe(0);
    rmSync(dataset);

    const r = await evalwire(["pull", name], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    const server = await serverExamples(name);
    expect(r.stdout).toBe(`Pulled 3 examples of ${name} (version ${server.versionId}) to ${join("experiments", name, "dataset.jsonl")}\n`);
    const pulled = readJsonl(dataset);
    // Phoenix's ids are kept, and the records are the file's
    expect(pulled).toEqual(server.records);
    expect(pulled.map(({ input, output, metadata }) => ({ input, output, metadata }))).toEqual(records);
    expect(pulled.every((record) => typeof record.id === "string" && record.id.length > 0)).toBe(true);
    // no temporary file left beside it
    expect(readdirSync(join(cwd, "experiments", name)).sort()).toEqual(["dataset.jsonl", "same.ts", "task.ts"]);

    const run = await evalwire(["run", "--backend", "local"], cwd);
    expect(run.code, describeRun(run)).toBe(0);
    const results = readResults(runDirFor(cwd, name));
    expect(results.map((result) => result.exampleId).sort()).toEqual(server.records.map((record) => record.id).sort());
    expect(results.every((result) => result.evaluations.find((e: any) => e.name === "same").score === 1)).toBe(true);
  });

  it("finds the experiment folder whose evalwire.toml names the dataset, and writes the format its file already has", async () => {
    const name = uniqueName("shared");
    const cwd = project({
      ...experimentFiles("router"),
      "experiments/router/evalwire.toml": `dataset = "${name}"\n`,
      "experiments/router/dataset.yaml": "- input: { user_query: stale }\n",
      [`${name}.jsonl`]: jsonl(records),
    });
    expect((await evalwire(["upload", `${name}.jsonl`], cwd)).code).toBe(0);
    const r = await evalwire(["pull", name], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`to ${join("experiments", "router", "dataset.yaml").replace(/\./g, "\\.")}\n$`));
    const written = parseYaml(readFileSync(join(cwd, "experiments", "router", "dataset.yaml"), "utf8"));
    expect(written).toEqual((await serverExamples(name)).records);
    // the numeric string stays a string in YAML
    expect(written[0].output.expected_output).toBe("42");
    const run = await evalwire(["run", "--backend", "local"], cwd);
    expect(run.code, describeRun(run)).toBe(0);
  });

  it("writes ./NAME.jsonl when no experiment uses the dataset, and --output as JSON or YAML", async () => {
    const name = uniqueName("loose");
    const cwd = project({ [`${name}.csv`]: `user_query,expected_output,tags\nq1,007,${name}\nq2,a|b,${name}\n` });
    expect((await evalwire(["upload", `${name}.csv`], cwd)).code).toBe(0);
    const { records: expected } = await serverExamples(name);

    const plain = await evalwire(["pull", name], cwd);
    expect(plain.code, describeRun(plain)).toBe(0);
    expect(plain.stdout).toMatch(new RegExp(`to ${name}\\.jsonl\n$`));
    expect(readJsonl(join(cwd, `${name}.jsonl`))).toEqual(expected);
    expect(expected.map((record: any) => record.output.expected_output)).toEqual(["007", ["a", "b"]]);

    const json = await evalwire(["pull", name, "--output", "out/ds.json"], cwd);
    expect(json.code, describeRun(json)).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, "out", "ds.json"), "utf8"))).toEqual(expected);
    const yaml = await evalwire(["pull", name, "--output", "out/ds.yml"], cwd);
    expect(yaml.code, describeRun(yaml)).toBe(0);
    expect(parseYaml(readFileSync(join(cwd, "out", "ds.yml"), "utf8"))).toEqual(expected);
    expect(readdirSync(join(cwd, "out")).sort()).toEqual(["ds.json", "ds.yml"]);
  });

  it("pulls an older version with --version, and the latest without it", async () => {
    const name = uniqueName("versions");
    const cwd = project({
      "v1.csv": `user_query,expected_output,tags\nold,1,${name}\nboth,2,${name}\n`,
      "v2.csv": `user_query,expected_output,tags\nboth,2,${name}\nnew,3,${name}\n`,
    });
    expect((await evalwire(["upload", "v1.csv"], cwd)).code).toBe(0);
    const v1 = await serverExamples(name);
    expect((await evalwire(["upload", "v2.csv", "--on-exist", "overwrite"], cwd)).code).toBe(0);
    const v2 = await serverExamples(name);
    expect(v2.versionId).not.toBe(v1.versionId);

    const old = await evalwire(["pull", name, "--version", v1.versionId, "--output", "old.jsonl"], cwd);
    expect(old.code, describeRun(old)).toBe(0);
    expect(old.stdout).toBe(`Pulled 2 examples of ${name} (version ${v1.versionId}) to old.jsonl\n`);
    expect(
      readJsonl(join(cwd, "old.jsonl"))
        .map((r) => r.input.user_query)
        .sort(),
    ).toEqual(["both", "old"]);
    expect(readJsonl(join(cwd, "old.jsonl"))).toEqual(v1.records);

    const latest = await evalwire(["pull", name, "--output", "latest.jsonl"], cwd);
    expect(latest.stdout).toBe(`Pulled 2 examples of ${name} (version ${v2.versionId}) to latest.jsonl\n`);
    expect(
      readJsonl(join(cwd, "latest.jsonl"))
        .map((r) => r.input.user_query)
        .sort(),
    ).toEqual(["both", "new"]);
  });

  it("pulls only the named splits with --split", async () => {
    const name = uniqueName("splits");
    await api("/v1/datasets/upload?sync=true", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "create", name, inputs: [{ q: "a" }, { q: "b" }, { q: "c" }], outputs: [{}, {}, {}], metadata: [{}, {}, {}], splits: ["train", "test", ["train", "dev"]] }),
    });
    const cwd = project({});
    const r = await evalwire(["pull", name, "--split", "train", "--output", "train.jsonl"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(
      readJsonl(join(cwd, "train.jsonl"))
        .map((record) => record.input.q)
        .sort(),
    ).toEqual(["a", "c"]);
    const two = await evalwire(["pull", name, "--split", "test", "--split", "dev", "--output", "two.jsonl"], cwd);
    expect(two.code, describeRun(two)).toBe(0);
    expect(
      readJsonl(join(cwd, "two.jsonl"))
        .map((record) => record.input.q)
        .sort(),
    ).toEqual(["b", "c"]);
  });

  it("replaces an existing file whole", async () => {
    const name = uniqueName("replace");
    const cwd = project({ [`${name}.jsonl`]: jsonl(records), "out.jsonl": "old content that is longer than the new one ".repeat(200) });
    expect((await evalwire(["upload", `${name}.jsonl`], cwd)).code).toBe(0);
    const r = await evalwire(["pull", name, "--output", "out.jsonl"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(readJsonl(join(cwd, "out.jsonl"))).toEqual((await serverExamples(name)).records);
  });

  it("exits 1 naming a missing dataset and the server, and writes nothing", async () => {
    const name = uniqueName("missing");
    const cwd = project({});
    const r = await evalwire(["pull", name], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toBe(`evalwire: dataset "${name}" not found on Phoenix at ${phoenix().url}; check the name (evalwire upload creates datasets)\n`);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("exits 1 for an unknown version, naming it", async () => {
    const name = uniqueName("badversion");
    const cwd = project({ [`${name}.jsonl`]: jsonl(records) });
    expect((await evalwire(["upload", `${name}.jsonl`], cwd)).code).toBe(0);
    const r = await evalwire(["pull", name, "--version", "RGF0YXNldFZlcnNpb246OTk5OTk=", "--output", "x.jsonl"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const at = `Phoenix at ${phoenix().url}`.replace(/\./g, "\\.");
    expect(r.stderr).toMatch(new RegExp(`^evalwire: dataset "${name}" on ${at}(: .+| has no version RGF0YXNldFZlcnNpb246OTk5OTk=; check --version)\n$`));
    expect(existsSync(join(cwd, "x.jsonl"))).toBe(false);
  });

  it("exits 1 for an unknown split or a malformed version, naming the flag to check", async () => {
    const name = uniqueName("badsplit");
    const cwd = project({ [`${name}.jsonl`]: jsonl(records) });
    expect((await evalwire(["upload", `${name}.jsonl`], cwd)).code).toBe(0);
    for (const [args, flag] of [
      [["--split", "holdout"], "--split"],
      [["--version", "not-a-version"], "--version"],
    ] as const) {
      const r = await evalwire(["pull", name, ...args, "--output", "x.jsonl"], cwd);
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^evalwire: dataset "${name}" on Phoenix at .+: .*${args[1]}.*; check ${flag}\n$`));
    }
    expect(existsSync(join(cwd, "x.jsonl"))).toBe(false);
  });

  it.each([
    [["--output", "ds.csv"], /^evalwire: --output ds\.csv: pull writes \.jsonl, \.json, \.yaml or \.yml files\n$/],
    [["--experiments", "nope"], /^evalwire: experiments folder not found: nope \(pass --experiments DIR or set \[experiments\] dir\)\n$/],
  ])("exits 2 for %j", async (args, message) => {
    const cwd = project({});
    const r = await evalwire(["pull", "anything", ...args], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  // An empty NAME (an unset shell variable: `pull "$DATASET"`) is named as such, not as an --output problem.
  it.each(["", "  "])("exits 2 for the empty NAME %j, saying so", async (name) => {
    const r = await evalwire(["pull", name], project({}));
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toBe(`evalwire: pull takes a dataset's name (got ${JSON.stringify(name)})\n`);
  });

  it("exits 2 when two experiments use the dataset, or a CSV is in the way, asking for --output", async () => {
    const cwd = project({ ...experimentFiles("a"), ...experimentFiles("b"), "experiments/a/evalwire.toml": 'dataset = "b"\n' });
    const r = await evalwire(["pull", "b"], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toBe('evalwire: dataset "b" is used by experiments a, b: pass --output PATH to say where to write it\n');

    const csv = project({ ...experimentFiles("c"), "experiments/c/dataset.csv": "user_query\nq\n" });
    const blocked = await evalwire(["pull", "c"], csv);
    expect(blocked.code, describeRun(blocked)).toBe(2);
    expect(blocked.stderr).toBe(`evalwire: ${join("experiments", "c", "dataset.csv")} exists, and a second dataset file beside it would be ambiguous: pass --output PATH, or remove it\n`);
  });

  it("needs a Phoenix URL: exit 2", async () => {
    const r = await spawnEvalwire(["pull", "x"], project({}));
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toBe("evalwire: pull needs a Phoenix server: pass --phoenix-url URL, or set PHOENIX_HOST (or [phoenix] base_url in evalwire.toml)\n");
  });
});
