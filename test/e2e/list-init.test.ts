import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeRun, evalwire, fixture, readResults, resultsById, root, runDirFor, runFolders, useTempDirs } from "./_support.js";

const temp = useTempDirs();

function rows(file: string): number {
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim());
  return file.endsWith(".csv") ? lines.length - 1 : lines.length;
}

describe("evalwire list", () => {
  it("shows each experiment's evaluators and dataset, exits 0 and writes nothing", async () => {
    const cwd = temp();
    const examples = join(root, "experiments-example");
    const r = await evalwire(["list", "--experiments", examples], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/es_search/);
    expect(r.stdout).toMatch(/exact_match, top_k/);
    expect(r.stdout).toMatch(new RegExp(`${rows(join(examples, "es_search", "dataset.jsonl"))} examples\\b.*dataset\\.jsonl`));
    expect(r.stdout).toMatch(/source_router/);
    expect(r.stdout).toMatch(/\bis_in\b/);
    expect(r.stdout).toMatch(new RegExp(`${rows(join(examples, "source_router", "dataset.csv"))} examples\\b.*dataset\\.csv`));
    expect(r.stdout).toMatch(/no problems/i);
    expect(existsSync(join(cwd, ".evalwire"))).toBe(false);
  });

  it("lists only real experiments and evaluators: helpers, tests and folders without task.ts are left out", async () => {
    const cwd = temp();
    const r = await evalwire(["list", "--experiments", fixture("helpers-and-tests")], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/plain, scored/);
    expect(r.stdout).toMatch(/mts_exp/);
    expect(r.all).not.toMatch(/not_an_experiment|_helper|scored\.test|scored\.spec|must not be loaded/);
  });

  it("exits 1 naming every file that does not load, with its line", async () => {
    const cwd = temp();
    const r = await evalwire(["list", "--experiments", fixture("syntax-error")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.all).toMatch(/broken[\\/]task\.ts\b.*(line 3\b|:3:)/);
    expect(r.all).toMatch(/broken_evaluator[\\/]judge\.ts\b.*(line 3\b|:3:)/);
    expect(r.all).toMatch(/bad_import[\\/]task\.ts\b.*_does_not_exist/);
    expect(r.stdout).toMatch(/3 problems/);
    expect(existsSync(join(cwd, ".evalwire"))).toBe(false);
  });

  it("shows the task and the evaluators that loaded beside a line for each file that did not, and exits 1", async () => {
    const cwd = temp();
    const r = await evalwire(["list", "--experiments", fixture("list-partial-load")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const [, taskFails, twoEvaluators] = r.stdout.split(/\n(?=. \w+\n)/);
    // one evaluator throws at import, another exports nothing usable: the task and the third are still listed
    expect(twoEvaluators).toMatch(/^✖ two_evaluators\n/);
    expect(twoEvaluators).toMatch(/task +\S*two_evaluators[\\/]task\.ts\n/);
    expect(twoEvaluators).toMatch(/evaluators +exact\n/);
    expect(twoEvaluators).toMatch(/dataset +two_evaluators: 1 example\b/);
    expect(twoEvaluators).toMatch(/\n +\S*two_evaluators[\\/]explodes\.ts: cannot load: explodes at import\n/);
    expect(twoEvaluators).toMatch(/\n +\S*two_evaluators[\\/]nothing\.ts: exports no evaluator named "nothing".*\n/);
    // the task throws at import: its evaluator is listed, no task line
    expect(taskFails).toMatch(/^✖ task_fails\n/);
    expect(taskFails).not.toMatch(/\btask +\S*task\.ts\n/);
    expect(taskFails).toMatch(/evaluators +scored\n/);
    expect(taskFails).toMatch(/\n +\S*task_fails[\\/]task\.ts: cannot load: task explodes at import\n/);
    expect(r.stdout).toMatch(/\n3 problems found\.\n$/);
  });

  it("exits 1 naming a malformed dataset; --name limits the listing", async () => {
    const cwd = temp();
    const r = await evalwire(["list", "--experiments", fixture("malformed-datasets"), "--name", "bad_csv", "--name", "good"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.all).toMatch(/bad_csv[\\/]dataset\.csv\b.*expected_output/);
    expect(r.stdout).toMatch(/\bgood\b/);
    expect(r.stdout).toMatch(/1 example\b/);
    expect(r.stdout).not.toMatch(/bad_jsonl|two_datasets/);
    expect(r.stdout).toMatch(/1 problem\b/);
  });
});

describe("evalwire init", () => {
  it("scaffolds evalwire.toml and experiments/capitals in an empty folder; run then exits 0; a second init leaves files alone", async () => {
    const cwd = temp();
    const init = await evalwire(["init"], cwd);
    expect(init.code, describeRun(init)).toBe(0);
    const files = ["evalwire.toml", "experiments/capitals/task.ts", "experiments/capitals/exact_match.ts", "experiments/capitals/dataset.jsonl"];
    for (const file of files) expect(existsSync(join(cwd, file)), file).toBe(true);

    const run = await evalwire(["run"], cwd);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/capitals\b.*\bexact_match \d\.\d\d/);
    const results = readResults(runDirFor(cwd, "capitals"));
    expect(results).toHaveLength(rows(join(cwd, "experiments/capitals/dataset.jsonl")));
    for (const result of results) expect(result.status).toBe("ok");

    // a user's edit survives a second init
    writeFileSync(join(cwd, "evalwire.toml"), "# mine\n");
    const again = await evalwire(["init"], cwd);
    expect(again.code, describeRun(again)).toBe(0);
    expect(readFileSync(join(cwd, "evalwire.toml"), "utf8")).toBe("# mine\n");
  });

  it("init --experiments DIR scaffolds there and points evalwire.toml at it", async () => {
    const cwd = temp();
    const init = await evalwire(["init", "--experiments", "evals"], cwd);
    expect(init.code, describeRun(init)).toBe(0);
    expect(existsSync(join(cwd, "evals", "capitals", "task.ts"))).toBe(true);
    expect(existsSync(join(cwd, "experiments"))).toBe(false);
    const run = await evalwire(["run"], cwd);
    expect(run.code, describeRun(run)).toBe(0);
    expect(runFolders(cwd).some((name) => name.startsWith("eval_capitals_"))).toBe(true);
  });

  it("init --task command scaffolds a Python agent behind a task.yaml, and run exits 0 with no TypeScript in the folder", async () => {
    const cwd = temp();
    const init = await evalwire(["init", "--task", "command"], cwd);
    expect(init.code, describeRun(init)).toBe(0);
    expect(readdirSync(join(cwd, "experiments/capitals")).sort()).toEqual(["agent.py", "dataset.jsonl", "rubric.yaml", "task.yaml"]);
    const run = await evalwire(["run"], cwd);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/capitals\b.*\bexact_match 0\.80\b/);
    expect(resultsById(runDirFor(cwd, "capitals")).fr.output).toEqual({ answer: "Paris" });
  });

  it("init --task http scaffolds a task.yaml calling a service; with the service up, run exits 0", async () => {
    const cwd = temp();
    const init = await evalwire(["init", "--task", "http"], cwd);
    expect(init.code, describeRun(init)).toBe(0);
    expect(init.stdout).toMatch(/Next: start your service at http:\/\/127\.0\.0\.1:8000\/capital .*; then: npx evalwire run\n/);
    const capitals: Record<string, string> = { France: "Paris", Japan: "Tokyo", Kenya: "Nairobi", Peru: "Lima", Iceland: "Reykjavik" };
    const server = createServer(async (request, response) => {
      let text = "";
      for await (const chunk of request) text += chunk;
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ answer: capitals[JSON.parse(text).country] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      // The scaffold names port 8000; the test's service has a free port of its own.
      const file = join(cwd, "experiments/capitals/task.yaml");
      writeFileSync(file, readFileSync(file, "utf8").replace("127.0.0.1:8000", `127.0.0.1:${(server.address() as AddressInfo).port}`));
      const run = await evalwire(["run"], cwd);
      expect(run.code, describeRun(run)).toBe(0);
      expect(run.stdout).toMatch(/capitals\b.*\bexact_match 1\.00\b/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    [[], ["--task", "command"], "task.ts", "init --task command would add task.yaml"],
    [["--task", "http"], [], "task.yaml", "init would add task.ts"],
  ])("init %j then init %j refuses with exit 2 and writes nothing: a folder holds one task file", async (first, second, existing, would) => {
    const cwd = temp();
    expect((await evalwire(["init", ...first], cwd)).code).toBe(0);
    const before = readdirSync(join(cwd, "experiments/capitals")).sort();
    const again = await evalwire(["init", ...second], cwd);
    expect(again.code, describeRun(again)).toBe(2);
    expect(again.stdout).toBe("");
    expect(again.stderr).toBe(
      `evalwire: experiments/capitals/${existing} exists: ${would} beside it (a folder holds one task file); pass --experiments DIR to scaffold in a new folder, or move experiments/capitals away\n`,
    );
    expect(readdirSync(join(cwd, "experiments/capitals")).sort()).toEqual(before);
    // The way out it names works: a new folder, which run then finds as its own experiment.
    const elsewhere = await evalwire(["init", ...second, "--experiments", "evals"], cwd);
    expect(elsewhere.code, describeRun(elsewhere)).toBe(0);
    expect(existsSync(join(cwd, "evals/capitals", existing === "task.ts" ? "task.yaml" : "task.ts"))).toBe(true);
  });

  it("init --task with an unknown kind is a usage error; nothing is written", async () => {
    const cwd = temp();
    const init = await evalwire(["init", "--task", "rust"], cwd);
    expect(init.code, describeRun(init)).toBe(2);
    expect(init.stderr).toBe('evalwire: --task takes ts, http or command (got "rust")\n');
    expect(readdirSync(cwd)).toEqual([]);
  });
});
