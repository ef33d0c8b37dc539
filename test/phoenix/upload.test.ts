// `evalwire upload` against a real Phoenix: every result is read back from the server with plain fetch.
import { expect, it } from "vitest";
import { describeRun, evalwire as spawnEvalwire, stackFrames, useTempDirs } from "../e2e/_support.js";
import { writeFiles } from "../helpers/cli.js";
import { startForwardThenResetProxy, uniqueName } from "./_support.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();

/** A dataset name no other test (or test file) uses on the shared server. */

function project(files: Record<string, string>): string {
  return writeFiles(temp(), files);
}

const evalwire = (args: string[], cwd: string) => spawnEvalwire(args, cwd, { PHOENIX_HOST: phoenix().url });

async function api(path: string): Promise<any> {
  const response = await fetch(`${phoenix().url}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function datasetNamed(name: string): Promise<{ id: string; name: string } | null> {
  const { data } = await api(`/v1/datasets?name=${encodeURIComponent(name)}&limit=100`);
  return data.find((dataset: { name: string }) => dataset.name === name) ?? null;
}

interface Content {
  input: unknown;
  output: unknown;
  metadata: unknown;
}

/** A dataset's examples (latest version) as { id, input, output, metadata }, in the server's order. */
async function examplesOf(name: string): Promise<(Content & { id: string })[]> {
  const dataset = await datasetNamed(name);
  if (!dataset) throw new Error(`no dataset ${name} on the server`);
  const { data } = await api(`/v1/datasets/${dataset.id}/examples`);
  return data.examples.map(({ id, input, output, metadata }: any) => ({ id, input, output, metadata }));
}

/** Examples without ids, sorted, for comparing as sets. */
async function contentOf(name: string): Promise<Content[]> {
  return sortContent((await examplesOf(name)).map(({ input, output, metadata }) => ({ input, output, metadata })));
}

function sortContent(items: Content[]): Content[] {
  return [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

async function versionCount(name: string): Promise<number> {
  const dataset = await datasetNamed(name);
  const { data } = await api(`/v1/datasets/${dataset!.id}/versions?limit=100`);
  return data.length;
}

const row = (query: string, expected: unknown, metadata: Record<string, unknown>): Content => ({ input: { user_query: query }, output: { expected_output: expected }, metadata });

describePhoenix("evalwire upload", () => {
  it("uploads a CSV as one dataset per tag: lists split, numeric strings kept, empty tags left out", async () => {
    const [a, b] = [uniqueName("weather"), uniqueName("math")];
    const csv = [
      "user_query,expected_output,tags,note",
      `sky colour?,blue | grey,${a},n1`, // 2
      `what is 6*7,42,${b},007`, // 3
      `both?,x,${a} | ${b},`, // 4: into each
      "untagged,y,,n4", // 5: not uploaded
    ].join("\n");
    const cwd = project({ "tests.csv": csv });
    const r = await evalwire(["upload", "tests.csv"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain(`Uploaded 2 dataset(s): ${a}, ${b}\n`);
    expect(r.stdout).toMatch(new RegExp(`  ${a}: created with 2 examples · ${phoenix().url}/datasets/\\S+/examples\n`));
    expect(r.stdout).toMatch(new RegExp(`  ${b}: created with 2 examples`));
    expect(r.stderr).toBe('warning: tests.csv:5: empty tag (column "tags"); row not uploaded\n');

    expect(await contentOf(a)).toEqual(sortContent([row("sky colour?", ["blue", "grey"], { tags: [a], note: "n1" }), row("both?", "x", { tags: [a, b], note: "" })]));
    expect(await contentOf(b)).toEqual(sortContent([row("what is 6*7", "42", { tags: [b], note: "007" }), row("both?", "x", { tags: [a, b], note: "" })]));
    for (const name of ["nan", "", "untagged"]) expect(await datasetNamed(name)).toBeNull();
  });

  it("skips an existing dataset by default, keeping its examples", async () => {
    const name = uniqueName("skip");
    const cwd = project({ "v1.csv": `user_query,expected_output,tags\nq1,a1,${name}\n`, "v2.csv": `user_query,expected_output,tags\nq2,a2,${name}\n` });
    expect((await evalwire(["upload", "v1.csv"], cwd)).code).toBe(0);
    const before = await examplesOf(name);
    const r = await evalwire(["upload", "v2.csv"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain(`  ${name}: skipped: it already exists and is kept as it is (--on-exist overwrite or append changes it)`);
    // Not "Uploaded 1 dataset(s)": nothing was.
    expect(r.stdout).toContain(`\nNothing uploaded; 1 dataset(s) skipped (they exist): ${name}\n`);
    expect(await examplesOf(name)).toEqual(before);
    expect(await versionCount(name)).toBe(1);
  });

  it("overwrites in one new version: the examples are then exactly the file's, the dataset id unchanged", async () => {
    const name = uniqueName("overwrite");
    const v1 = `user_query,expected_output,tags\nkeep,k,${name}\ndrop,d,${name}\nchange,old,${name}\n`;
    const v2 = `user_query,expected_output,tags\nkeep,k,${name}\nchange,new,${name}\nadded,a|b,${name}\n`;
    const cwd = project({ "v1.csv": v1, "v2.csv": v2 });
    expect((await evalwire(["upload", "v1.csv"], cwd)).code).toBe(0);
    const before = await datasetNamed(name);
    const keptId = (await examplesOf(name)).find((e) => (e.input as any).user_query === "keep")!.id;

    const r = await evalwire(["upload", "v2.csv", "--on-exist", "overwrite"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain(`  ${name}: replaced in one new version: 3 examples (2 added, 2 removed)`);
    expect(await datasetNamed(name)).toEqual(before);
    expect(await versionCount(name)).toBe(2);
    const after = await examplesOf(name);
    expect(sortContent(after.map(({ input, output, metadata }) => ({ input, output, metadata })))).toEqual(
      sortContent([row("keep", "k", { tags: [name] }), row("change", "new", { tags: [name] }), row("added", ["a", "b"], { tags: [name] })]),
    );
    // an unchanged example keeps its id, so experiments on both versions line up
    expect(after.find((e) => (e.input as any).user_query === "keep")!.id).toBe(keptId);

    // the same file again: nothing to change, no new version
    const again = await evalwire(["upload", "v2.csv", "--on-exist", "overwrite"], cwd);
    expect(again.stdout).toContain(`  ${name}: replaced: already the file's 3 examples, no new version`);
    expect(await versionCount(name)).toBe(2);
  });

  it("overwrite creates a dataset that does not exist yet", async () => {
    const name = uniqueName("overwrite_new");
    const cwd = project({ "t.csv": `user_query,expected_output,tags\nq,a,${name}\n` });
    const r = await evalwire(["upload", "t.csv", "--on-exist", "overwrite"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain(`  ${name}: created with 1 example`);
    expect(await contentOf(name)).toEqual([row("q", "a", { tags: [name] })]);
  });

  it("appends only examples not already there, and never duplicates one, even from the same file twice", async () => {
    const name = uniqueName("append");
    const cwd = project({
      "v1.csv": `user_query,expected_output,tags\nq1,a1,${name}\nq2,a2,${name}\n`,
      // q2 is there already; q3 twice in the file
      "v2.csv": `user_query,expected_output,tags\nq2,a2,${name}\nq3,a3,${name}\nq3,a3,${name}\n`,
    });
    expect((await evalwire(["upload", "v1.csv"], cwd)).code).toBe(0);
    const first = await evalwire(["upload", "v2.csv", "--on-exist", "append"], cwd);
    expect(first.code, describeRun(first)).toBe(0);
    expect(first.stdout).toContain(`  ${name}: appended 1 new example (1 already there, not added again)`);
    expect(first.stderr).toContain("warning: v2.csv:4: same input, output and metadata as row 3; uploaded once");
    const expected = sortContent([row("q1", "a1", { tags: [name] }), row("q2", "a2", { tags: [name] }), row("q3", "a3", { tags: [name] })]);
    expect(await contentOf(name)).toEqual(expected);
    expect(await versionCount(name)).toBe(2);

    const second = await evalwire(["upload", "v2.csv", "--on-exist", "append"], cwd);
    expect(second.code, describeRun(second)).toBe(0);
    expect(second.stdout).toContain(`  ${name}: appended 0 new examples: all 2 already there, no new version`);
    expect(await contentOf(name)).toEqual(expected);
    expect(await versionCount(name)).toBe(2);
  });

  it("reads on_exist, csv_path and the Phoenix URL from evalwire.toml", async () => {
    const name = uniqueName("configured");
    const cwd = project({
      "evalwire.toml": `[dataset]\ncsv_path = "data/t.csv"\non_exist = "append"\ninput_keys = "question"\noutput_keys = ["answer"]\ntag_column = "labels"\ndelimiter = ";"\n[phoenix]\nbase_url = "${phoenix().url}"\n`,
      "data/t.csv": `question,answer,labels\nq1,x;y,${name}\n`,
    });
    // no PHOENIX_HOST: the URL comes from the file
    const r = await spawnEvalwire(["upload"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain(`(on exist: append)`);
    expect(await contentOf(name)).toEqual([{ input: { question: "q1" }, output: { answer: ["x", "y"] }, metadata: { labels: [name] } }]);
  });

  it("--strict validates first and uploads nothing when there is any issue", async () => {
    const [a, b] = [uniqueName("strict_a"), uniqueName("strict_b")];
    const cwd = project({ "t.csv": `user_query,expected_output,tags\nq1,a1,${a}\nq2,,${b}\nq3,a3,\n` });
    const r = await evalwire(["upload", "t.csv", "--strict"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe(
      '  row 3: empty expected output (column "expected_output")\n  row 4: empty tag (column "tags"): upload skips this row\nUpload aborted (--strict): 2 issue(s) found in t.csv; nothing uploaded.\n',
    );
    expect(await datasetNamed(a)).toBeNull();
    expect(await datasetNamed(b)).toBeNull();
  });

  it("uploads JSONL, JSON and YAML records as one dataset: --name, the file's stem, or the folder of dataset.<ext>", async () => {
    const folder = uniqueName("es_search");
    const [stem, named] = [uniqueName("smoke"), uniqueName("named")];
    const records = [
      { id: "r1", input: { user_query: "q1" }, output: { expected_output: "42" }, metadata: { level: 1 } },
      { input: { user_query: "q2" }, output: { expected_output: ["a", "b"] } },
    ];
    const cwd = project({
      [`experiments/${folder}/dataset.jsonl`]: records.map((r) => JSON.stringify(r)).join("\n"),
      [`${stem}.yaml`]: "- input: { user_query: y1 }\n  output: { expected_output: '7' }\n",
      "any.json": JSON.stringify({ examples: [{ input: { q: "j" } }] }),
    });
    const jsonl = await evalwire(["upload", `experiments/${folder}/dataset.jsonl`], cwd);
    expect(jsonl.code, describeRun(jsonl)).toBe(0);
    expect(jsonl.stdout).toContain(`Uploaded 1 dataset(s): ${folder}\n`);
    expect(jsonl.stderr).toContain("example ids are not uploaded; Phoenix gives each example its own id");
    expect(await contentOf(folder)).toEqual(
      sortContent([
        { input: { user_query: "q1" }, output: { expected_output: "42" }, metadata: { level: 1 } },
        { input: { user_query: "q2" }, output: { expected_output: ["a", "b"] }, metadata: {} },
      ]),
    );

    const yaml = await evalwire(["upload", `${stem}.yaml`], cwd);
    expect(yaml.code, describeRun(yaml)).toBe(0);
    expect(await contentOf(stem)).toEqual([{ input: { user_query: "y1" }, output: { expected_output: "7" }, metadata: {} }]);

    const json = await evalwire(["upload", "any.json", "--name", named], cwd);
    expect(json.code, describeRun(json)).toBe(0);
    expect(await contentOf(named)).toEqual([{ input: { q: "j" }, output: {}, metadata: {} }]);
    expect(await datasetNamed(`any`)).toBeNull();
  });

  it("uploads a whole CSV as one dataset with --name, without a tag column", async () => {
    const name = uniqueName("support");
    const cwd = project({ "dataset.csv": "user_query,expected_output\nq1,a1\nq2,a2\n" });
    const r = await evalwire(["upload", "dataset.csv", "--name", name], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(await contentOf(name)).toEqual(sortContent([row("q1", "a1", {}), row("q2", "a2", {})]));
  });

  it("refuses a malformed file with exit 1 naming the line, and uploads nothing", async () => {
    const name = uniqueName("malformed");
    const cwd = project({ [`${name}.jsonl`]: '{"input":{"q":"ok"}}\n{"input":"not an object"}\n' });
    const r = await evalwire(["upload", `${name}.jsonl`], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toBe(`evalwire: ${name}.jsonl:2: "input" must be an object such as {"user_query": "..."}; nothing uploaded\n`);
    expect(await datasetNamed(name)).toBeNull();
  });

  it("needs a Phoenix URL: exit 2 naming the flag and the variable", async () => {
    const cwd = project({ "t.csv": "user_query,expected_output,tags\nq,a,t\n" });
    const r = await spawnEvalwire(["upload", "t.csv"], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toBe("evalwire: upload needs a Phoenix server: pass --phoenix-url URL, or set PHOENIX_HOST (or [phoenix] base_url in evalwire.toml)\n");
  });

  it("reports an unreachable server in one line, exit 1, without a stack trace", async () => {
    const cwd = project({ "t.csv": "user_query,expected_output,tags\nq,a,t\n" });
    // port 9 (discard) on localhost: nothing listens there
    const r = await spawnEvalwire(["upload", "t.csv", "--phoenix-url", "http://127.0.0.1:9"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/^failed: t\nevalwire: looking up dataset "t": cannot reach Phoenix at http:\/\/127\.0\.0\.1:9 \(.+\)\n$/);
    expect(stackFrames(r.stderr)).toEqual([]);
  });

  it("retries an upload whose answer was lost without adding anything twice", async () => {
    const name = uniqueName("lost_answer");
    const cwd = project({
      "v1.csv": `user_query,expected_output,tags\nq1,a1,${name}\n`,
      "v2.csv": `user_query,expected_output,tags\nq1,a1,${name}\nq2,a2,${name}\nq3,a3,${name}\n`,
    });
    // Phoenix carries out the first upload of each command, then the client sees a reset instead of the answer.
    let lose = true;
    const proxy = await startForwardThenResetProxy(phoenix().url, ({ method, path }) => {
      if (method !== "POST" || !path.startsWith("/v1/datasets/upload") || !lose) return null;
      lose = false;
      return "upload";
    });
    try {
      const viaProxy = (args: string[]) => spawnEvalwire(args, cwd, { PHOENIX_HOST: proxy.url });
      const created = await viaProxy(["upload", "v1.csv"]);
      expect(created.code, describeRun(created)).toBe(0);
      expect(created.stdout).toContain(`  ${name}: created with 1 example`);
      expect(proxy.lost).toEqual(["upload"]);

      lose = true;
      const appended = await viaProxy(["upload", "v2.csv", "--on-exist", "append"]);
      expect(appended.code, describeRun(appended)).toBe(0);
      expect(proxy.lost).toEqual(["upload", "upload"]);
      expect(appended.stdout).toContain(`  ${name}: appended 2 new examples (1 already there, not added again)`);
      expect(await contentOf(name)).toEqual(sortContent([row("q1", "a1", { tags: [name] }), row("q2", "a2", { tags: [name] }), row("q3", "a3", { tags: [name] })]));
      expect(await versionCount(name)).toBe(2);
    } finally {
      await proxy.close();
    }
  });
});
