// A run is judged: thresholds and baseline gates fail experiments (exit 1), bad thresholds are
// usage errors (exit 2) before any work, and every report is written even when the run fails.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { parse as parseJunit } from "junit2json";
import { describe, expect, it } from "vitest";
import { writeFiles } from "../helpers/cli.js";
import { copyFixture, describeRun, evalwire, root, runFolders, useTempDirs } from "./_support.js";

const temp = useTempDirs();

/** A copy of the `judged` fixture: one experiment, `doubling`, with four examples its task gets right. */
function project(files: Record<string, string> = {}): { cwd: string; experiments: string } {
  const cwd = temp();
  const experiments = copyFixture("judged", join(cwd, "experiments"));
  writeFiles(cwd, files);
  return { cwd, experiments };
}

/** Makes the expected answers of the examples listed wrong, so `correct` fails on them. */
function breakExamples(experiments: string, ids: string[]): void {
  const file = join(experiments, "doubling", "dataset.jsonl");
  const lines = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  writeFileSync(file, `${lines.map((e) => JSON.stringify(ids.includes(e.id) ? { ...e, output: { answer: -1 } } : e)).join("\n")}\n`);
}

describe("thresholds", () => {
  it("experiments-example passes its own thresholds, and fails with one line when a bar is raised", async () => {
    const cwd = temp();
    const examples = join(root, "experiments-example");
    const passing = await evalwire(["run", "--experiments", examples], cwd);
    expect(passing.code, describeRun(passing)).toBe(0);
    expect(passing.stdout).toMatch(/es_search +top_k mean +0\.86 +0\.80 +✔ pass/);
    expect(passing.stdout).toMatch(/source_router +is_in mean +0\.93 +0\.90 +✔ pass/);
    expect(passing.stdout).toMatch(/order_agent +safe_tools pass rate +1 +1 +✔ pass/);
    expect(passing.stdout).toMatch(/support_triage +right_queue mean +0\.83 +0\.80 +✔ pass/);

    const failing = await evalwire(["run", "--experiments", examples, "--threshold", "top_k=0.95"], cwd);
    expect(failing.code, describeRun(failing)).toBe(1);
    expect(failing.stdout).toMatch(/es_search +top_k mean +0\.86 +0\.95 +✖ fail/);
    expect(failing.stdout).toContain("✖ es_search: top_k mean 0.86 < 0.95\n");
    // The other experiment still ran and passed.
    expect(failing.stdout).toMatch(/✔ source_router +14 /);
    expect(failing.stdout).toContain("1 of 4 experiments failed.");
    // stderr names the failure too, for whoever reads only stderr.
    expect(failing.stderr).toBe("evalwire: es_search failed: top_k mean 0.86 < 0.95\n");
  });

  it("a folder's [thresholds] fails its experiment; pass_rate and max_errors are gates too", async () => {
    const { cwd, experiments } = project({ "experiments/doubling/evalwire.toml": "[thresholds]\ncorrect = { pass_rate = 0.8 }\nmax_errors = 0\n" });
    breakExamples(experiments, ["q2"]);
    const r = await evalwire(["run", "--experiments", experiments], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("✖ doubling: correct pass rate 0.75 < 0.80\n");
    expect(r.stdout).toMatch(/doubling +errors +0 +0 +✔ pass/);
    // What was computed is recorded: the run folder holds every result and the judgement.
    const run = JSON.parse(readFileSync(join(cwd, ".evalwire", "runs", runFolders(cwd)[0]!, "run.json"), "utf8"));
    expect(run.summary).toMatchObject({ status: "failed", failure: "correct pass rate 0.75 < 0.80", completed: 4 });
    expect(run.summary.judgement.gates.map((g: { text: string }) => g.text)).toEqual(["errors 0 <= 0", "correct pass rate 0.75 < 0.80"]);
  });

  it("--max-errors lets a run with that many errors pass", async () => {
    const { cwd, experiments } = project({ "experiments/doubling/task.ts": "export const task = (e: any) => { if (e.id === 'q3') throw new Error('no'); return { answer: e.input.n * 2 }; };\n" });
    const strict = await evalwire(["run", "--experiments", experiments], cwd);
    expect(strict.code, describeRun(strict)).toBe(1);
    const lenient = await evalwire(["run", "--experiments", experiments, "--max-errors", "1"], cwd);
    expect(lenient.code, describeRun(lenient)).toBe(0);
    expect(lenient.stdout).toMatch(/doubling +errors +1 +1 +✔ pass/);
    const share = await evalwire(["run", "--experiments", experiments, "--max-errors", "10%"], cwd);
    expect(share.code, describeRun(share)).toBe(1);
    expect(share.stdout).toContain("✖ doubling: errors 1 > 0\n");
  });

  it("thresholds may name rubric.yaml criteria", async () => {
    const { cwd, experiments } = project({
      "experiments/doubling/rubric.yaml": "criteria:\n  - type: contains\n    name: has_answer\n    value: answer\n",
      "experiments/doubling/evalwire.toml": "[thresholds]\nhas_answer = 0.5\ncorrect = 1\n",
    });
    const r = await evalwire(["run", "--experiments", experiments], cwd);
    expect(r.code, describeRun(r)).not.toBe(2);
    expect(r.stdout).toMatch(/doubling +has_answer mean +\S+ +0\.50/);
    expect(r.stdout).toMatch(/doubling +correct mean +1 +1 +✔ pass/);
  });

  it("with repetitions, pass@k and pass^k are shown and can be gates", async () => {
    const { cwd, experiments } = project({
      // Wrong on the second repetition of q1 and q2: pass@k 1, pass^k 0.5.
      "experiments/doubling/task.ts": "export const task = (e: any, ctx: any) => ({ answer: ctx.repetition === 2 && ['q1', 'q2'].includes(e.id) ? 0 : e.input.n * 2 });\n",
      "experiments/doubling/evalwire.toml": "[thresholds]\ncorrect = { pass_at_k = 1, pass_all_k = 0.6 }\n",
    });
    const r = await evalwire(["run", "--experiments", experiments, "--repetitions", "2"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("doubling with repetitions: correct pass@k 1.00 pass^k 0.50");
    expect(r.stdout).toMatch(/doubling +correct pass@k +1 +1 +✔ pass/);
    expect(r.stdout).toContain("✖ doubling: correct pass^k 0.50 < 0.60\n");
  });

  it("a dry run shows gates as not applied and never fails on them", async () => {
    const { cwd, experiments } = project();
    breakExamples(experiments, ["q1"]);
    const r = await evalwire(["run", "--experiments", experiments, "--dry-run", "--threshold", "correct=0.99"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/doubling +correct mean +0 +0\.99 +– not applied \(partial run\)/);
  });

  it.each([
    ["--limit", "1"],
    ["--sample", "1"],
    ["--example", "q1"],
  ])("a run limited with %s %s shows gates as not applied and never fails on them", async (flag, value) => {
    const { cwd, experiments } = project();
    breakExamples(experiments, ["q1", "q2", "q3", "q4"]);
    const r = await evalwire(["run", "--experiments", experiments, flag, value, "--threshold", "correct=0.99"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/doubling +correct mean +0 +0\.99 +– not applied \(partial run\)/);
  });

  it("a partial run with errors beyond max_errors shows its errors gate failed, in the summary, on stderr and in JUnit", async () => {
    const { cwd, experiments } = project({
      "experiments/doubling/task.ts": "export const task = (example: { input: { n: number } }) => { if (example.input.n > 1) throw new Error('no ' + example.input.n); return { answer: 2 }; };\n",
    });
    const r = await evalwire(["run", "--experiments", experiments, "--dry-run", "4", "--max-errors", "1", "--threshold", "correct=0.99", "--reporter", "junit=out/junit.xml"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    // The gate that failed the run is never shown as not applied; the others are.
    expect(r.stdout).toMatch(/doubling +errors +3 +1 +✖ fail/);
    expect(r.stdout).toMatch(/doubling +correct mean +1 +0\.99 +– not applied \(partial run\)/);
    expect(r.stdout).toContain("✖ doubling: errors 3 > 1\n");
    expect(r.stderr).toBe("evalwire: doubling failed: errors 3 > 1\n");
    const junit = (await parseJunit(readFileSync(join(cwd, "out", "junit.xml"), "utf8"))) as any;
    const gates = junit.testsuite[0].testcase.filter((c: any) => c.classname === "doubling.gates");
    expect(gates.map((c: any) => [c.name, c.failure?.[0]?.message ?? null, c.skipped ? "skipped" : null])).toEqual([
      ["errors <= 1", "errors 3 > 1", null],
      ["correct mean >= 0.99", null, "skipped"],
    ]);
  });

  it("a root threshold for another experiment's evaluator does not stop a run of one experiment (--name)", async () => {
    const { cwd, experiments } = project({
      "evalwire.toml": "[thresholds]\nexact = 0.5\n",
      "experiments/other/dataset.jsonl": '{"id":"a","input":{"n":1},"output":{"n":1}}\n',
      "experiments/other/task.ts": "export const task = (example: { input: { n: number } }) => ({ n: example.input.n });\n",
      "experiments/other/exact.ts": "export const exact = ({ output, expected }: { output: { n: number }; expected: { n: number } }) => output.n === expected.n;\n",
    });
    const one = await evalwire(["run", "--experiments", experiments, "--name", "doubling"], cwd);
    expect(one.code, describeRun(one)).toBe(0);
    const other = await evalwire(["run", "--experiments", experiments, "--name", "other", "--threshold", "exact=0.9"], cwd);
    expect(other.code, describeRun(other)).toBe(0);
    expect(other.stdout).toMatch(/other +exact mean +1(\.00)? +0\.9/);
  });

  it.each([
    [
      "a folder threshold for an evaluator it lacks",
      { "experiments/doubling/evalwire.toml": "[thresholds]\nexact = 0.5\n" },
      [],
      /^evalwire: experiments\/doubling\/evalwire\.toml: \[thresholds\] exact: experiment doubling has no evaluator exact \(it has: correct\)\n$/,
    ],
    [
      "a root threshold no experiment can use",
      { "evalwire.toml": "[thresholds]\ntop_k = 0.5\n" },
      [],
      /^evalwire: evalwire\.toml: \[thresholds\] top_k: no experiment has an evaluator top_k \(evaluators: correct\)\n$/,
    ],
    ["a --threshold no experiment can use", {}, ["--threshold", "top_k=0.5"], /^evalwire: --threshold top_k: no selected experiment has an evaluator top_k/],
    [
      "a bad value",
      { "evalwire.toml": "[thresholds]\ncorrect = { pass_rate = 2 }\n" },
      [],
      /^evalwire: evalwire\.toml: \[thresholds\.correct\] pass_rate: expected a share from 0 to 1 \(got 2\)\n$/,
    ],
    ["a bad --max-errors", {}, ["--max-errors", "some"], /--max-errors takes a whole number of errors such as 3, or a share such as 2% \(got "some"\)/],
    [
      "an evaluator named max_errors",
      { "experiments/doubling/max_errors.ts": "export const max_errors = () => 1;\n" },
      [],
      /^evalwire: doubling: an evaluator may not be named max_errors \(the name is reserved in \[thresholds\]\); rename max_errors\.ts\n$/,
    ],
    ["threshold max_errors as --threshold", {}, ["--threshold", "max_errors=2"], /--threshold max_errors=2: max_errors has its own flag: --max-errors 2/],
  ] as const)("%s is a usage error (exit 2) before any work starts", async (_what, files, flags, message) => {
    const { cwd, experiments } = project(files);
    const r = await evalwire(["run", "--experiments", experiments, ...flags], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(runFolders(cwd)).toEqual([]);
  });
});

describe("baselines", () => {
  it("--baseline compares with the latest run: deltas, regressed and fixed examples, and its gates", async () => {
    const { cwd, experiments } = project();
    breakExamples(experiments, ["q4"]);
    const first = await evalwire(["run", "--experiments", experiments, "--prefix", "first"], cwd);
    expect(first.code, describeRun(first)).toBe(0);
    const [firstRun] = runFolders(cwd);

    // Now q4 is fixed and q1, q2 regress.
    writeFileSync(join(experiments, "doubling", "dataset.jsonl"), readFileSync(join(root, "test", "fixtures", "judged", "doubling", "dataset.jsonl"), "utf8"));
    breakExamples(experiments, ["q1", "q2"]);
    const second = await evalwire(["run", "--experiments", experiments, "--prefix", "second", "--baseline", "--max-regressions", "1", "--max-mean-drop", "0.2"], cwd);
    expect(second.code, describeRun(second)).toBe(1);
    expect(second.stdout).toMatch(/doubling +4 +0 +correct 0\.50 \(−0\.25\)/);
    expect(second.stdout).toContain(`doubling vs ${firstRun}: 2 regressed: q1, q2; 1 fixed, 0 new, 0 missing`);
    expect(second.stdout).toMatch(/doubling +correct mean drop +0\.25 +0\.20 +✖ fail/);
    expect(second.stdout).toContain("✖ doubling: correct mean drop 0.25 > 0.20; regressions 2 > 1\n");

    // A named baseline: the first run, by name; gates that pass.
    const third = await evalwire(["run", "--experiments", experiments, "--prefix", "third", "--baseline", firstRun!, "--max-regressions", "2"], cwd);
    expect(third.code, describeRun(third)).toBe(0);
    expect(third.stdout).toContain(`doubling vs ${firstRun}: 2 regressed`);
  });

  it("a baseline that cannot be found fails the experiment, naming the reference", async () => {
    const { cwd, experiments } = project({ "evalwire.toml": '[baseline]\nref = "eval_nowhere"\n' });
    const r = await evalwire(["run", "--experiments", experiments, "--reporter", "json=report.json"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const report = JSON.parse(readFileSync(join(cwd, "report.json"), "utf8"));
    const validate = new Ajv({ strict: true }).compile(JSON.parse(readFileSync(join(root, "schema", "report.schema.json"), "utf8")));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.experiments[0].baseline).toEqual({ error: expect.stringContaining('baseline "eval_nowhere": no run folder of that name') });
    expect(r.stdout).toContain('✖ doubling: baseline "eval_nowhere": no run folder of that name in .evalwire/runs and no such folder');
    const latest = await evalwire(["run", "--experiments", experiments, "--baseline", "latest"], temp());
    expect(latest.code, describeRun(latest)).toBe(1);
    expect(latest.stdout).toMatch(/✖ doubling: baseline "latest": no finished, complete run of doubling in/);
  });
});

describe("reports from a run", () => {
  it("every reporter writes even when the run fails, says where, and its output loads in real consumers", async () => {
    const { cwd, experiments } = project({ "evalwire.toml": '[report]\nreporters = ["json=reports/evalwire.json", "markdown=reports/scorecard.md"]\n' });
    breakExamples(experiments, ["q3"]);
    const summary = join(cwd, "step-summary.md");
    const r = await evalwire(
      [
        "run",
        "--experiments",
        experiments,
        "--threshold",
        "correct=0.9",
        "--reporter",
        "json=out/run.json",
        "--reporter",
        "junit=out/junit.xml",
        "--reporter",
        "html=out/index.html",
        "--reporter",
        "markdown=out/scorecard.md",
      ],
      cwd,
      { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary },
    );
    expect(r.code, describeRun(r)).toBe(1);
    for (const [name, file] of [
      ["json", "out/run.json"],
      ["junit", "out/junit.xml"],
      ["html", "out/index.html"],
      ["markdown", "out/scorecard.md"],
    ])
      expect(r.stdout).toContain(`${name} report: ${file}\n`);
    // --reporter replaces [report] reporters.
    expect(runFolders(cwd)).toHaveLength(1);
    expect(() => readFileSync(join(cwd, "reports", "evalwire.json"))).toThrow();

    const report = JSON.parse(readFileSync(join(cwd, "out", "run.json"), "utf8"));
    const validate = new Ajv({ strict: true }).compile(JSON.parse(readFileSync(join(root, "schema", "report.schema.json"), "utf8")));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.experiments[0]).toMatchObject({ status: "failed", failure: "correct mean 0.75 < 0.90", completed: 4 });

    const junit = (await parseJunit(readFileSync(join(cwd, "out", "junit.xml"), "utf8"))) as any;
    expect(junit.testsuite[0]).toMatchObject({ name: "doubling", tests: 5, failures: 2, errors: 0 });
    expect(junit.testsuite[0].testcase.find((c: any) => c.name === "q3").failure[0].message).toBe("correct 0 < 1");

    expect(readFileSync(join(cwd, "out", "scorecard.md"), "utf8")).toContain("| doubling | correct mean | 0.75 | 0.90 | ❌ fail |");
    expect(readFileSync(join(cwd, "out", "index.html"), "utf8")).toContain("<title>evalwire: 1 of 1 experiment failed</title>");

    // GITHUB_ACTIONS turns the github reporter on.
    expect(r.stdout).toContain("::error title=evalwire%3A doubling::correct mean 0.75 < 0.90\n");
    expect(readFileSync(summary, "utf8")).toContain("## evalwire: ❌ 1 of 1 experiment failed");
  });

  it("[report] reporters in evalwire.toml, paths relative to the file's folder", async () => {
    const { cwd, experiments } = project({ "config/evalwire.toml": '[report]\nreporters = ["json=../reports/evalwire.json"]\n' });
    const r = await evalwire(["run", "--experiments", experiments, "--config", "config/evalwire.toml"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, "reports", "evalwire.json"), "utf8")).run.status).toBe("passed");
    expect(r.stdout).toContain("json report: reports/evalwire.json\n");
  });

  it("an unknown reporter is a usage error naming it", async () => {
    const { cwd, experiments } = project();
    const r = await evalwire(["run", "--experiments", experiments, "--reporter", "xml=out.xml"], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('evalwire: --reporter "xml=out.xml": unknown reporter "xml"; known: json=PATH, junit=PATH, markdown=PATH, html=PATH, github\n');
    const noPath = await evalwire(["run", "--experiments", experiments, "--reporter", "junit"], cwd);
    expect(noPath.stderr).toBe('evalwire: --reporter "junit": the junit reporter writes a file; name it as junit=PATH\n');
  });
});

describe("what misled CI", () => {
  it("CI=1 with output to a pipe prints no colour codes; FORCE_COLOR still asks for them", async () => {
    const { cwd, experiments } = project();
    const ci = await evalwire(["run", "--experiments", experiments], cwd, { CI: "1", NO_COLOR: "" });
    expect(ci.code, describeRun(ci)).toBe(0);
    expect(ci.stdout).not.toContain("\x1b[");
    const forced = await evalwire(["run", "--experiments", experiments], cwd, { CI: "1", NO_COLOR: "", FORCE_COLOR: "1" });
    expect(forced.stdout).toContain("\x1b[");
  });
});
