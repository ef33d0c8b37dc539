// export, compare and report on local runs, in the Python evalwire's formats.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { evaluation, recordRun, result } from "../helpers/results.js";
import { describeRun, evalwire, useTempDirs } from "./_support.js";

const temp = useTempDirs();

/** Two runs of one experiment: b regresses example 2, fixes example 3, drops 4 and adds 5. */
function twoRuns(): string {
  const cwd = temp();
  const runs = join(cwd, ".evalwire", "runs");
  const scored = (id: string, topK: number, exact: boolean, options: { error?: string } = {}) => result(id, [evaluation("top_k", topK), evaluation("exact", exact ? 1 : 0)], options);
  recordRun(runs, {
    name: "eval_search_a",
    experiment: "search",
    startedAt: "2026-01-01T00:00:00.000Z",
    evaluators: ["exact", "top_k"],
    results: [scored("1", 1, true), scored("2", 1, true), scored("3", 0.5, false), scored("4", 1, true)],
  });
  recordRun(runs, {
    name: "eval_search_b",
    experiment: "search",
    startedAt: "2026-01-02T00:00:00.000Z",
    evaluators: ["exact", "top_k"],
    results: [
      scored("1", 1, true),
      scored("2", 0.5, true),
      scored("3", 1, true),
      result("5", [], { error: "task threw: boom" }),
      result("6", [evaluation("top_k", 1), evaluation("exact", null, "no answer")]),
    ],
  });
  return cwd;
}

describe("evalwire export", () => {
  it("writes one CSV row per task call with a score column per evaluator", async () => {
    const cwd = twoRuns();
    const r = await evalwire(["export", "eval_search_b"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(parseCsv(r.stdout, { columns: true })).toEqual([
      { example_id: "1", repetition: "1", output: '{"answer":"1"}', error: "", exact: "1", top_k: "1" },
      { example_id: "2", repetition: "1", output: '{"answer":"2"}', error: "", exact: "1", top_k: "0.5" },
      { example_id: "3", repetition: "1", output: '{"answer":"3"}', error: "", exact: "1", top_k: "1" },
      { example_id: "5", repetition: "1", output: "", error: "task threw: boom", exact: "", top_k: "" },
      { example_id: "6", repetition: "1", output: '{"answer":"6"}', error: "", exact: "", top_k: "1" },
    ]);
  });

  it("writes JSON to a file named by --output (a .json file is JSON), and takes --experiment as the Python evalwire did", async () => {
    const cwd = twoRuns();
    const r = await evalwire(["export", "--experiment", join(cwd, ".evalwire", "runs", "eval_search_a"), "--output", "out/a.json"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe("Exported 4 runs of eval_search_a to out/a.json\n");
    const rows = JSON.parse(readFileSync(join(cwd, "out", "a.json"), "utf8"));
    expect(rows[2]).toEqual({ example_id: "3", repetition: 1, output: { answer: "3" }, error: null, exact: 0, top_k: 0.5 });
  });

  it("a run it cannot find is a usage error naming it", async () => {
    const cwd = twoRuns();
    const r = await evalwire(["export", "eval_nope"], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('evalwire: run "eval_nope": no run folder of that name in .evalwire/runs and no such folder (a Phoenix experiment id needs the Phoenix backend)\n');
    const bad = await evalwire(["export", "eval_search_a", "--format", "xml"], cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format takes csv or json (got "xml")');
  });
});

describe("evalwire compare", () => {
  it("prints each evaluator's means and delta, sorted, then regressed and fixed task calls", async () => {
    const cwd = twoRuns();
    const r = await evalwire(["compare", "eval_search_a", "eval_search_b"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe(
      ["  exact: 0.7500 → 1.0000  (+0.2500)", "  top_k: 0.8750 → 0.8750  (+0.0000)", "  regressed: 1  fixed: 1  new: 2  missing: 1", "  regressed examples: 2", "  fixed examples: 3", ""].join(
        "\n",
      ),
    );
  });
});

describe("evalwire compare of two experiments' runs", () => {
  it("prints the comparison, and a warning on stderr that the runs are of different experiments", async () => {
    const cwd = twoRuns();
    recordRun(join(cwd, ".evalwire", "runs"), {
      name: "eval_router_a",
      experiment: "router",
      startedAt: "2026-01-03T00:00:00.000Z",
      evaluators: ["is_in"],
      results: [result("r1", [evaluation("is_in", 1)])],
    });
    const r = await evalwire(["compare", "eval_search_a", "eval_router_a"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain("  regressed: 0  fixed: 0  new: 1  missing: 4\n");
    expect(r.stderr).toBe("warning: eval_search_a is a run of search, eval_router_a of router: compare two runs of one experiment\n");
    const same = await evalwire(["compare", "eval_search_a", "eval_search_b"], cwd);
    expect(same.stderr).toBe("");
  });
});

describe("evalwire report", () => {
  it("titles a run given by its folder path with the run's name, as given by its name", async () => {
    const cwd = twoRuns();
    const r = await evalwire(["report", `${join(cwd, ".evalwire", "runs", "eval_search_b")}/`], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("# Experiment Report: eval_search_b");
  });

  it("begins with the Python evalwire's lines, then errors, gates and failed examples", async () => {
    const cwd = twoRuns();
    const r = await evalwire(["report", "eval_search_b"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe(
      [
        "# Experiment Report: eval_search_b",
        "",
        "**Total runs:** 5",
        "",
        "## Evaluator Scores",
        "",
        "- **exact**: 1.0000",
        "- **top_k**: 0.8750",
        "",
        "## Errors",
        "",
        "2 errors:",
        "",
        "- `5`: task: task threw: boom",
        "- `6`: exact: no answer",
        "",
        "## Gates",
        "",
        "None recorded.",
        "",
        "## Failed Examples",
        "",
        "1 task call below the pass bar:",
        "",
        "- `2`: top_k 0.50, exact 1",
        "",
      ].join("\n"),
    );
    const written = await evalwire(["report", "eval_search_b", "--output", "reports/b.md"], cwd);
    expect(written.stdout).toBe("Wrote the report of eval_search_b to reports/b.md\n");
    expect(readFileSync(join(cwd, "reports", "b.md"), "utf8")).toBe(r.stdout);
  });

  it("says when the run is unfinished, and how many of its planned calls it holds", async () => {
    const cwd = temp();
    recordRun(join(cwd, ".evalwire", "runs"), {
      name: "eval_search_c",
      experiment: "search",
      startedAt: "2026-01-03T00:00:00.000Z",
      evaluators: ["exact"],
      results: [result("1", [evaluation("exact", 1)]), result("2", [evaluation("exact", 0)])],
      planned: 10,
      unfinished: true,
    });
    const r = await evalwire(["report", "eval_search_c"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.split("\n").slice(0, 6)).toEqual([
      "# Experiment Report: eval_search_c",
      "",
      "**Total runs:** 2",
      "",
      "**Unfinished:** the run is running, with 2 of its 10 planned task calls recorded (finish it: `evalwire run --resume eval_search_c`).",
      "",
    ]);
  });

  it("says that a shard's run is a part of a run, to be merged", async () => {
    const cwd = temp();
    recordRun(join(cwd, ".evalwire", "runs"), {
      name: "eval_search_d",
      experiment: "search",
      startedAt: "2026-01-03T00:00:00.000Z",
      evaluators: ["exact"],
      results: [result("1", [evaluation("exact", 1)])],
      shard: "2/3",
    });
    const r = await evalwire(["report", "eval_search_d-shard-2-of-3"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.split("\n").slice(2, 6)).toEqual(["**Total runs:** 1", "", "**Shard:** shard 2/3, a part of the run: `evalwire merge` its shards for the whole run's report and gates.", ""]);
  });
});
