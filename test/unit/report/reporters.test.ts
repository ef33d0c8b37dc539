import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { parse as parseJunit } from "junit2json";
import { afterEach, describe, expect, it } from "vitest";
import { createReporters } from "../../../src/report/index.js";
import { root, tempDir } from "../../helpers/cli.js";
import { evaluation, result } from "../../helpers/results.js";
import { sampleExperiments as experiments, simulateRun } from "../../helpers/simulated-run.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});
function temp(): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  return dir;
}

function output() {
  let text = "";
  return {
    write: (chunk: string) => {
      text += chunk;
    },
    get text() {
      return text;
    },
  };
}

describe("file reporters", () => {
  it("a report file that cannot be written is told to onReportFailed, naming the reporter and the file", async () => {
    const dir = temp();
    const path = join(dir, "taken");
    writeFileSync(join(dir, "taken"), "");
    const failures: string[] = [];
    const listeners = createReporters({
      out: output(),
      live: false,
      quiet: true,
      verbose: false,
      dryRun: false,
      reporters: [{ name: "json", path: join(path, "report.json") }],
      onReportFailed: (m) => void failures.push(m),
    });
    await simulateRun(listeners, experiments);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^cannot write the json report .*taken\/report\.json: EEXIST: file already exists, mkdir .*taken.$/);
  });

  it("github: a step summary that cannot be written is told to onReportFailed, naming GITHUB_STEP_SUMMARY, after the annotations", async () => {
    const dir = temp();
    writeFileSync(join(dir, "taken"), "");
    const summary = join(dir, "taken", "summary.md");
    const out = output();
    const failures: string[] = [];
    const listeners = createReporters({
      out,
      live: false,
      quiet: true,
      verbose: false,
      dryRun: false,
      env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary },
      onReportFailed: (m) => void failures.push(m),
    });
    await simulateRun(listeners, experiments);
    expect(out.text).toContain("::error title=evalwire%3A search::top_k mean 0.60 < 0.80\n");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^cannot write the github report \(GITHUB_STEP_SUMMARY .*taken\/summary\.md\): ENOTDIR/);
  });

  it("json: one document per run that validates against the schema shipped in the package", async () => {
    const dir = temp();
    const path = join(dir, "nested", "report.json");
    const out = output();
    await simulateRun(createReporters({ out, live: false, quiet: true, verbose: false, dryRun: false, reporters: [{ name: "json", path }] }), experiments);
    const report = JSON.parse(readFileSync(path, "utf8"));
    const schema = JSON.parse(readFileSync(join(root, "schema", "report.schema.json"), "utf8"));
    const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.version).toBe(1);
    expect(report.run.status).toBe("failed");
    const search = report.experiments[0];
    expect(search).toMatchObject({ experiment: "search", status: "failed", failure: "top_k mean 0.60 < 0.80", completed: 5 });
    expect(search.gates).toEqual([
      { gate: "mean", evaluator: "top_k", actual: 0.6, bar: 0.8, verdict: "fail", text: "top_k mean 0.60 < 0.80" },
      { gate: "pass_rate", evaluator: "exact", actual: 0.8, bar: 0.5, verdict: "pass", text: "exact pass rate 0.80 >= 0.50" },
    ]);
    expect(search.evaluators.exact).toEqual({ mean: 0.8, scored: 5, errors: 0, passBar: 1, passRate: 0.8, passAtK: 0.8, passAllK: 0.8 });
    expect(out.text).toContain(`json report: ${path}\n`);

    // The schema is strict: a report missing a field or with a wrong verdict does not validate.
    delete report.experiments[0].gates[0].bar;
    report.experiments[1].status = "skipped";
    expect(validate(report)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath).sort()).toEqual(["/experiments/0/gates/0", "/experiments/1/status"]);
  });

  it("junit: loads in a JUnit XML parser with a suite per experiment, a case per task call and per gate", async () => {
    const dir = temp();
    const path = join(dir, "junit.xml");
    await simulateRun(createReporters({ out: output(), live: false, quiet: true, verbose: false, dryRun: false, reporters: [{ name: "junit", path }] }), experiments);
    const parsed = (await parseJunit(readFileSync(path, "utf8"))) as any;
    expect(parsed).toMatchObject({ name: "evalwire", tests: 12, failures: 6, errors: 3, skipped: 0 });
    const [search, router, broken] = parsed.testsuite;
    expect(search).toMatchObject({ name: "search", tests: 7, failures: 5, errors: 0 });
    expect(search.testcase.map((c: any) => c.name)).toEqual(["s1", "s2", "s3", "s4", "s5", "top_k mean >= 0.80", "exact pass rate >= 0.50"]);
    expect(search.testcase[0].failure).toBeUndefined();
    expect(search.testcase[1].failure[0]).toMatchObject({ message: "top_k 0.50 < 1", type: "evaluation" });
    expect(search.testcase[4].failure[0].message).toBe("top_k 0.50 < 1; exact 0 < 1");
    expect(search.testcase[5].failure[0]).toMatchObject({ message: "top_k mean 0.60 < 0.80", type: "gate" });
    expect(search.testcase[6].failure).toBeUndefined();
    expect(search.properties).toContainEqual({ name: "run", value: "eval_search_2026-01-02T03:04:05" });

    expect(router).toMatchObject({ name: "router", tests: 4, failures: 1, errors: 2 });
    expect(router.testcase[1].error[0]).toMatchObject({ message: "is_in: judge <unreachable> & gone", type: "evaluator" });
    expect(router.testcase[2].error[0]).toMatchObject({ message: 'task threw: "bad" <input>', type: "task" });
    expect(router.testcase[3]).toMatchObject({ name: "errors <= 1", classname: "router.gates", failure: [{ message: "errors 2 > 1", type: "gate" }] });

    expect(broken.testcase).toEqual([{ classname: "broken", name: "experiment", error: [{ message: "dataset.jsonl:3: not a JSON line", type: "experiment" }] }]);
  });

  it("junit: a dry run's gates are skipped as not applied", async () => {
    const dir = temp();
    const path = join(dir, "junit.xml");
    await simulateRun(createReporters({ out: output(), live: false, quiet: true, verbose: false, dryRun: true, reporters: [{ name: "junit", path }] }), [experiments[0]!], 1);
    const parsed = (await parseJunit(readFileSync(path, "utf8"))) as any;
    expect(parsed.testsuite[0]).toMatchObject({ skipped: 2 });
    expect(parsed.testsuite[0].testcase[5].skipped).toEqual([{ message: "not applied (partial run)" }]);
  });

  it("junit: an interrupted experiment is an error, so a CI test report never reads a stopped run as passed", async () => {
    const path = join(temp(), "junit.xml");
    const stopped = { experiment: "search", evaluators: ["exact"], planned: 10, interrupted: true, results: [1, 2, 3].map((i) => result(`s${i}`, [evaluation("exact", 1)])) };
    const notStarted = { experiment: "later", evaluators: [], planned: 0, interrupted: true, results: [] };
    await simulateRun(createReporters({ out: output(), live: false, quiet: true, verbose: false, dryRun: false, reporters: [{ name: "junit", path }] }), [stopped, notStarted]);
    const parsed = (await parseJunit(readFileSync(path, "utf8"))) as any;
    expect(parsed).toMatchObject({ tests: 5, failures: 0, errors: 2 });
    expect(parsed.testsuite[0]).toMatchObject({ name: "search", tests: 4, errors: 1 });
    expect(parsed.testsuite[0].testcase[0]).toEqual({
      classname: "search",
      name: "experiment",
      error: [{ message: "interrupted: 3 of 10 task calls ran; finish it with evalwire run --resume", type: "interrupted" }],
    });
    expect(parsed.testsuite[1].testcase).toEqual([
      { classname: "later", name: "experiment", error: [{ message: "interrupted before it started; finish it with evalwire run --resume", type: "interrupted" }] },
    ]);
  });

  it("summary: an experiment interrupted before it started says so, not that it has no evaluators", async () => {
    const out = output();
    const notStarted = { experiment: "later", evaluators: [], planned: 0, interrupted: true, results: [] };
    await simulateRun(createReporters({ out, live: false, quiet: false, verbose: false, dryRun: false }), [notStarted]);
    expect(out.text).toMatch(/■ later +0 +0 +not started +/);
    expect(out.text).not.toContain("no evaluators");
  });

  it("markdown: the scorecard as a PR comment shows it", async () => {
    const path = join(temp(), "scorecard.md");
    await simulateRun(createReporters({ out: output(), live: false, quiet: true, verbose: false, dryRun: false, reporters: [{ name: "markdown", path }] }), experiments);
    const text = readFileSync(path, "utf8");
    expect(text.split("\n")[0]).toBe("## evalwire: ❌ 3 of 3 experiments failed");
    expect(text).toContain("| ❌ | search | 5 | 0 | top_k 0.60, exact 0.80 | 1.2s | `/tmp/runs/eval_search` |");
    expect(text).toContain("| search | top_k mean | 0.60 | 0.80 | ❌ fail |");
    expect(text).toContain("| router | errors | 2 | 1 | ❌ fail |");
    expect(text).toContain("- **broken**: dataset.jsonl:3: not a JSON line");
  });

  it("the spool's temporary files are gone after the run", async () => {
    const before = new Set(readdirSync(tmpdir()).filter((name) => name.startsWith("evalwire-report-")));
    await simulateRun(createReporters({ out: output(), live: false, quiet: true, verbose: false, dryRun: false, reporters: [{ name: "junit", path: join(temp(), "j.xml") }] }), experiments);
    const after = readdirSync(tmpdir()).filter((name) => name.startsWith("evalwire-report-") && !before.has(name));
    expect(after).toEqual([]);
  });
});

describe("github reporter", () => {
  it("on when GITHUB_ACTIONS=true: ::error per failed experiment and gate, the scorecard appended to the step summary", async () => {
    const summary = join(temp(), "step-summary.md");
    writeFileSync(summary, "earlier step\n");
    const out = output();
    await simulateRun(createReporters({ out, live: false, quiet: true, verbose: false, dryRun: false, env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary } }), experiments);
    const errors = out.text.split("\n").filter((line) => line.startsWith("::error"));
    expect(errors).toEqual([
      "::error title=evalwire%3A search::top_k mean 0.60 < 0.80",
      "::error title=evalwire%3A router::errors 2 > 1",
      "::error title=evalwire%3A broken::dataset.jsonl:3: not a JSON line",
    ]);
    const text = readFileSync(summary, "utf8");
    expect(text.startsWith("earlier step\n## evalwire: ❌ 3 of 3 experiments failed")).toBe(true);
    expect(out.text).toContain(`github report: ${summary}`);
  });

  it("off otherwise, unless named", async () => {
    const out = output();
    await simulateRun(createReporters({ out, live: false, quiet: true, verbose: false, dryRun: false, env: {} }), experiments);
    expect(out.text).not.toContain("::error");
    const named = output();
    await simulateRun(createReporters({ out: named, live: false, quiet: true, verbose: false, dryRun: false, env: {}, reporters: [{ name: "github", path: null }] }), experiments);
    expect(named.text).toContain("::error title=evalwire%3A search::");
  });
});

describe("an experiment failed by its errors alone (no max_errors gate)", () => {
  it("is explained in the same words by the console, the markdown scorecard and the github annotation", async () => {
    // Before: "1 task error" on the console, "1 task error, 0 evaluator errors" in markdown, "1 task or evaluator errors" in GitHub.
    const failing = { experiment: "plain", evaluators: ["is_in"], results: [result("p1", [evaluation("is_in", 1)]), result("p2", [], { error: "no quota" })] };
    const summary = join(temp(), "step-summary.md");
    const out = output();
    await simulateRun(createReporters({ out, live: false, quiet: true, verbose: false, dryRun: false, env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary } }), [failing]);
    expect(out.text).toContain("✖ plain: 1 task error\n");
    expect(out.text).toContain("::error title=evalwire%3A plain::1 task error\n");
    expect(readFileSync(summary, "utf8")).toContain("- **plain**: 1 task error\n");
  });
});

describe("the line on stderr per failed experiment", () => {
  it("names the first example that went wrong, in one line, after the count", async () => {
    const err = output();
    const failing = {
      experiment: "plain",
      evaluators: ["is_in"],
      results: [result("p1", [evaluation("is_in", 1)]), result("p2", [], { error: "no quota\nsecond line" }), result("p3", [evaluation("is_in", null, "judge gone")])],
    };
    await simulateRun(createReporters({ out: output(), live: false, quiet: true, verbose: false, dryRun: false, err }), [failing]);
    expect(err.text).toBe("evalwire: plain failed: 2 task or evaluator errors, the first: example p2: task: no quota\n");
  });
});

describe("the summary table", () => {
  it("puts many evaluators' scores on lines under one another, so no row is padded wider than the scores column", async () => {
    const names = Array.from({ length: 9 }, (_, i) => `evaluator_number_${i + 1}`);
    const many = {
      experiment: "agent",
      evaluators: names,
      results: [
        result(
          "a1",
          names.map((name) => evaluation(name, 1)),
        ),
      ],
    };
    const few = { experiment: "search", evaluators: ["top_k"], results: [result("s1", [evaluation("top_k", 0.5)])] };
    const out = output();
    await simulateRun(createReporters({ out, live: false, quiet: false, verbose: false, dryRun: false }), [many, few]);
    const start = out.text.indexOf("experiment  ");
    const table = out.text.slice(start, out.text.indexOf("\n\n", start));
    const rows = table.split("\n");
    expect(rows.length).toBeGreaterThan(4);
    for (const row of rows) expect(row.length, row).toBeLessThan(140);
    // Every score is shown once, in order.
    expect(names.every((name) => table.includes(`${name} 1.00`))).toBe(true);
    expect(rows.find((row) => row.includes("search"))).toMatch(/search +1 +0 +top_k 0\.50/);
  });
});
