import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { snapshot } from "../helpers/cli.js";
import {
  copyFixture,
  describeRun,
  evaluation,
  evalwire,
  fixture,
  readResults,
  readRun,
  resultsById,
  root,
  runDirFor,
  runFolders,
  stackFrames,
  timestampOf,
  useTempDirs,
  utcSecond,
} from "./_support.js";

const temp = useTempDirs();
const version: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const timestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;

describe("evalwire run: the bundled example project", () => {
  it("exits 0, prints both experiments with their mean scores, and records every example", async () => {
    const cwd = temp();
    const examples = join(root, "experiments-example");
    const r = await evalwire(["run", "--experiments", examples], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/local backend/);
    expect(r.stdout).toMatch(/es_search\b.*\bexact_match \d\.\d\d\b.*\btop_k \d\.\d\d\b/);
    expect(r.stdout).toMatch(/source_router\b.*\bis_in \d\.\d\d\b/);
    // Its nine scores go on under one another in the summary table.
    expect(r.stdout).toMatch(/order_agent\b.*\bsafe_tools 1\.00\b[\s\S]*?\brubric 1\.00\b/);
    // support_triage's task is a Python program behind a task.yaml: no TypeScript.
    expect(r.stdout).toMatch(/support_triage\b.*\bright_queue 0\.83\b.*\bsafe_tools 1\.00\b/);
    expect(r.stdout).toMatch(/4 experiments passed/);

    const jsonlRows = readFileSync(join(examples, "es_search", "dataset.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.trim()).length;
    const csvRows =
      readFileSync(join(examples, "source_router", "dataset.csv"), "utf8")
        .split("\n")
        .filter((l) => l.trim()).length - 1;
    const es = readResults(runDirFor(cwd, "es_search"));
    const router = readResults(runDirFor(cwd, "source_router"));
    expect(es).toHaveLength(jsonlRows);
    expect(router).toHaveLength(csvRows);
    for (const result of [...es, ...router]) {
      expect(result.status).toBe("ok");
      for (const e of result.evaluations) {
        expect(e.error).toBeNull();
        expect(typeof e.score).toBe("number");
      }
    }
    expect(new Set(es.flatMap((r: any) => r.evaluations.map((e: any) => e.name)))).toEqual(new Set(["exact_match", "top_k"]));
    const triage = readResults(runDirFor(cwd, "support_triage"));
    expect(triage).toHaveLength(rowsOf(join(examples, "support_triage", "dataset.jsonl")));
    expect(triage.find((result: any) => result.exampleId === "cancel-order").output).toMatchObject({
      queue: "orders",
      tool_calls: [{ name: "search_help_center" }, { name: "lookup_order", arguments: { order_id: "1234" } }],
    });
    // source_router's own evalwire.toml adds metadata
    expect(readRun(runDirFor(cwd, "source_router")).metadata.owner).toBe("support-team");
  });
});

function rowsOf(file: string): number {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim()).length;
}

describe("evalwire run: the run store", () => {
  it("writes run.json and one results.jsonl line per example with output, timing and every evaluation", async () => {
    const cwd = temp();
    const untouched = snapshot(fixture("basic"));
    const before = utcSecond();
    const r = await evalwire(["run", "--experiments", fixture("basic")], cwd);
    const after = utcSecond();
    expect(r.code, describeRun(r)).toBe(0);
    // nothing is written into the experiments folder
    expect(snapshot(fixture("basic"))).toEqual(untouched);
    expect(r.stdout).toMatch(/local backend/);
    expect(r.stdout).toMatch(/\.evalwire[\\/]runs/);

    expect(runFolders(cwd)).toHaveLength(1);
    const dir = runDirFor(cwd, "greet");
    const ts = timestampOf(basename(dir));
    expect(ts).toMatch(timestamp);
    expect(ts >= before && ts <= after, `${ts} not within ${before}..${after} (UTC)`).toBe(true);
    expect(basename(dir)).toBe(`eval_greet_${ts}`);
    expect(r.stdout).toContain(`eval_greet_${ts}`);

    const results = readResults(dir);
    expect(results.map((x) => x.exampleId)).toEqual(expect.arrayContaining(["ann", "bob", "cy"]));
    expect(results).toHaveLength(3);
    for (const result of results) {
      expect(Object.keys(result).sort()).toEqual(["durationMs", "error", "evaluations", "exampleId", "output", "repetition", "startedAt", "status"]);
      expect(result.repetition).toBe(1);
      expect(result.status).toBe("ok");
      expect(result.error).toBeNull();
      expect(typeof result.durationMs).toBe("number");
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
      expect(Number.isNaN(Date.parse(result.startedAt))).toBe(false);
      expect(result.evaluations).toHaveLength(1);
      expect(Object.keys(result.evaluations[0]).sort()).toEqual(["durationMs", "error", "explanation", "label", "name", "score"]);
    }
    const byId = resultsById(dir);
    // the task saw ctx.experiment, ctx.repetition and an AbortSignal
    expect(byId.ann.output).toEqual({ greeting: "hello Ann", experiment: "greet", repetition: 1, hasSignal: true });
    expect(evaluation(byId.ann, "exact")).toMatchObject({ score: 1, label: "pass", error: null, explanation: null });
    expect(evaluation(byId.bob, "exact")).toMatchObject({ score: 1, label: "pass", error: null });
    // a false verdict is a score, not an error: the run still passes
    expect(evaluation(byId.cy, "exact")).toMatchObject({ score: 0, label: "fail", error: null });
    expect(r.stdout).toMatch(/exact 0\.67/);

    const run = readRun(dir);
    expect(run.name).toBe(basename(dir));
    expect(run.metadata).toMatchObject({ dataset: "greet", run_by: "evalwire", evalwire_version: version });
    // the local dataset's content hash is its version
    const sha = createHash("sha256")
      .update(readFileSync(fixture("basic", "greet", "dataset.jsonl")))
      .digest("hex");
    const recorded = String(run.dataset.version).replace(/^sha256:/, "");
    expect(recorded.length).toBeGreaterThanOrEqual(8);
    expect(sha.startsWith(recorded)).toBe(true);
  });

  it("with one passing and one failing experiment: exit 1, both run in name order and are recorded under one timestamp", async () => {
    const cwd = temp();
    const untouched = snapshot(fixture("mixed"));
    const r = await evalwire(["run", "--experiments", fixture("mixed")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(snapshot(fixture("mixed"))).toEqual(untouched);
    // run in name order (concurrency 1): failing starts before passing
    expect(r.stdout.search(/failing started/)).toBeGreaterThan(-1);
    expect(r.stdout.search(/failing started/)).toBeLessThan(r.stdout.search(/passing started/));
    expect(r.stdout).toMatch(/example bad\b.*cannot handle xyz/);
    expect(r.stdout).toMatch(/1 of 2 experiments failed/);

    const failing = runDirFor(cwd, "failing");
    const passing = runDirFor(cwd, "passing");
    expect(timestampOf(basename(failing))).toBe(timestampOf(basename(passing)));

    const bad = resultsById(failing);
    expect(Object.keys(bad).sort()).toEqual(["bad", "good"]);
    expect(bad.good).toMatchObject({ status: "ok", output: { text: "ABC" }, error: null });
    expect(evaluation(bad.good, "upper").score).toBe(1);
    expect(bad.bad).toMatchObject({ status: "error", output: null, error: "cannot handle xyz" });

    const good = resultsById(passing);
    expect(Object.keys(good).sort()).toEqual(["three", "two"]);
    expect(good.two.output).toEqual({ square: 4 });
    // a default-exported evaluator is named after its file
    expect(evaluation(good.three, "correct")).toMatchObject({ score: 1, label: "pass", error: null });
  });

  it("uses one timestamp for every experiment of an invocation, even when the first takes over a second", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("concurrency"), "--example-concurrency", "1"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    const a = runDirFor(cwd, "exp_a");
    const b = runDirFor(cwd, "exp_b");
    const ts = timestampOf(basename(a));
    expect(timestampOf(basename(b))).toBe(ts);
    const resultsA = readResults(a);
    const resultsB = readResults(b);
    // exp_b really started in a later second than the shared timestamp
    const firstB = Math.min(...resultsB.map((x) => Date.parse(x.startedAt)));
    expect(utcSecond(new Date(firstB)) > ts).toBe(true);
    // --example-concurrency 1: never more than one call in flight
    expect(Math.max(...[...resultsA, ...resultsB].map((x) => x.output.peak))).toBe(1);
    // --concurrency defaults to 1: exp_b starts after exp_a ended
    expect(firstB).toBeGreaterThanOrEqual(Math.max(...resultsA.map((x) => x.output.endedAt)));
  });

  it("--concurrency 2 runs experiments in parallel, --example-concurrency 3 keeps 3 examples in flight, --prefix names the runs", async () => {
    const cwd = temp();
    writeFileSync(join(cwd, "expect-overlap"), "");
    const r = await evalwire(["run", "--experiments", fixture("concurrency"), "--concurrency", "2", "--example-concurrency", "3", "--prefix", "nightly"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(runFolders(cwd).every((name) => name.startsWith("nightly_"))).toBe(true);
    const a = runDirFor(cwd, "exp_a", "nightly");
    const b = runDirFor(cwd, "exp_b", "nightly");
    expect(readRun(a).name).toBe(basename(a));
    const resultsA = readResults(a);
    const resultsB = readResults(b);
    expect(Math.max(...resultsA.map((x) => x.output.peak))).toBe(3);
    expect(Math.max(...resultsB.map((x) => x.output.peak))).toBe(3);
    // overlap: every call of each experiment saw the other one running (run one after the other, the first calls would not)
    expect([...resultsA, ...resultsB].every((x) => x.output.sawOther)).toBe(true);
  });

  it("keeps two runs of one second apart with a -2 suffix (two experiments recording the same dataset name)", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("same-dataset"), "--concurrency", "2"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    const folders = runFolders(cwd);
    expect(folders).toHaveLength(2);
    const ts = timestampOf(folders[0]!);
    expect(folders).toEqual([`eval_same_${ts}`, `eval_same_${ts}-2`]);
    const experiments = folders.map((name) => {
      const dir = join(cwd, ".evalwire", "runs", name);
      const run = readRun(dir);
      expect(run.name).toBe(name);
      const results = readResults(dir);
      expect(results).toHaveLength(1);
      expect(results[0].output.from).toBe(run.experiment);
      return run.experiment;
    });
    expect(experiments.sort()).toEqual(["one", "two"]);
  });

  it("--repetitions 2 runs every example twice, numbered 1 and 2", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("basic"), "--repetitions", "2"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    const results = readResults(runDirFor(cwd, "greet"));
    expect(results).toHaveLength(6);
    const seen = results.map((x) => `${x.exampleId}#${x.repetition}`).sort();
    expect(seen).toEqual(["ann#1", "ann#2", "bob#1", "bob#2", "cy#1", "cy#2"]);
    for (const result of results) expect(result.output.repetition).toBe(result.repetition);
  });

  it("--name selects experiments", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("mixed"), "--name", "passing"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(runFolders(cwd)).toHaveLength(1);
    expect(readResults(runDirFor(cwd, "passing"))).toHaveLength(2);
    expect(r.stdout).not.toMatch(/failing/);
  });
});

describe("evalwire run: dry run", () => {
  it("bare --dry-run runs the first example only and writes nothing", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--dry-run", "--experiments", fixture("task-throws")], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/example ok\b/);
    expect(r.stdout).toContain('{"value":1}');
    expect(r.stdout).toMatch(/always_one: 1\b/);
    expect(r.stdout).not.toMatch(/example (err|str|bigint)\b/);
    expect(r.stdout).toMatch(/dry run/);
    expect(existsSync(join(cwd, ".evalwire"))).toBe(false);
  });

  it("--dry-run 2 runs the first two examples in file order, fails on their errors and writes nothing", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-throws"), "--dry-run", "2"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/example ok\b/);
    expect(r.stdout).toMatch(/example err\b/);
    expect(r.stdout).toMatch(/boom: bad input/);
    // "bigint" and "str" sort before "ok": the first N are the file's first N, not sorted or random
    expect(r.stdout).not.toMatch(/example (str|bigint)\b/);
    expect(existsSync(join(cwd, ".evalwire"))).toBe(false);
  });
});

describe("evalwire run: output flags", () => {
  it("--quiet prints failures, where results went, and the closing line only", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("mixed"), "--quiet"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).not.toMatch(/local backend/);
    expect(r.stdout).not.toMatch(/started/);
    expect(r.stdout).not.toMatch(/✔ passing/);
    expect(r.stdout).toMatch(/cannot handle xyz/);
    expect(r.stdout).toMatch(/1 of 2 experiments failed/);
    for (const folder of runFolders(cwd)) expect(r.stdout).toContain(`recorded in .evalwire/runs/${folder}\n`);
    // quiet changes what is printed, not what is recorded
    expect(runFolders(cwd)).toHaveLength(2);
  });

  it("--quiet on a passing run prints where results went and the closing line", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("basic"), "--quiet"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([`greet recorded in .evalwire/runs/${runFolders(cwd)[0]}`, "", "1 experiment passed."]);
  });

  it("--verbose adds a stack trace to an error that is otherwise one line", async () => {
    const cwd = temp();
    const plain = await evalwire(["run", "--config", "missing.toml"], cwd);
    expect(plain.code, describeRun(plain)).toBe(2);
    expect(plain.stderr.trim().split("\n")).toHaveLength(1);
    expect(plain.stderr).toMatch(/--config missing\.toml/);
    expect(stackFrames(plain.stderr)).toEqual([]);

    const verbose = await evalwire(["run", "--config", "missing.toml", "--verbose"], cwd);
    expect(verbose.code, describeRun(verbose)).toBe(2);
    expect(verbose.stderr).toMatch(/--config missing\.toml/);
    expect(stackFrames(verbose.stderr).length).toBeGreaterThan(0);
  });

  it("--verbose shows where in the task a task error was thrown (stack trace naming task.ts)", async () => {
    const cwd = temp();
    const plain = await evalwire(["run", "--experiments", fixture("task-throws")], cwd);
    expect(plain.code, describeRun(plain)).toBe(1);
    expect(plain.all).toMatch(/boom: bad input/);
    expect(stackFrames(plain.all)).toEqual([]);

    const verbose = await evalwire(["run", "--experiments", fixture("task-throws"), "--verbose"], cwd);
    expect(verbose.code, describeRun(verbose)).toBe(1);
    expect(verbose.all).toMatch(/boom: bad input/);
    const frames = stackFrames(verbose.all);
    expect(
      frames.some((line) => /explode/.test(line) && /task\.ts:\d+/.test(line)),
      `no stack frame naming task.ts in:\n${verbose.all}`,
    ).toBe(true);
  });
});

describe("evalwire run: backend choice", () => {
  it("--backend local wins over --phoenix-url and PHOENIX_HOST", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("basic"), "--backend", "local", "--phoenix-url", "http://127.0.0.1:9"], cwd, {
      PHOENIX_HOST: "http://127.0.0.1:9",
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/local backend/);
    expect(readResults(runDirFor(cwd, "greet"))).toHaveLength(3);
  });
});

describe("evalwire run: metadata", () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    })
      .toString()
      .trim();

  it("records the git commit and branch when run in a git checkout", async () => {
    const repo = temp("evalwire-git-");
    copyFixture("basic", join(repo, "experiments"));
    git(repo, "init", "-q");
    git(repo, "checkout", "-q", "-b", "feature-x");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "experiments");
    const head = git(repo, "rev-parse", "HEAD");

    const r = await evalwire(["run"], repo);
    expect(r.code, describeRun(r)).toBe(0);
    const run = readRun(runDirFor(repo, "greet"));
    expect(run.metadata.git_commit).toBe(head);
    expect(run.metadata.git_branch).toBe("feature-x");
  });

  it("records no git metadata outside a git checkout", async () => {
    const cwd = temp("evalwire-nogit-");
    mkdirSync(join(cwd, "experiments"));
    copyFixture("basic/greet", join(cwd, "experiments", "greet"));
    const r = await evalwire(["run"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    const run = readRun(runDirFor(cwd, "greet"));
    expect(run.metadata).toMatchObject({ dataset: "greet", run_by: "evalwire" });
    expect(run.metadata).not.toHaveProperty("git_commit");
    expect(run.metadata).not.toHaveProperty("git_branch");
  });
});
