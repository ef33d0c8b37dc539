import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { inShard } from "../../../src/engine/shard.js";
import { BaselineComparison, baselineGates } from "../../../src/judge/baseline.js";
import { ExperimentJudge } from "../../../src/judge/experiment-judge.js";
import { thresholdsFromTable } from "../../../src/judge/thresholds.js";
import { findRun, RunNotFoundError } from "../../../src/runs/find-run.js";
import { tempDir } from "../../helpers/cli.js";
import { evaluation, recordRun, result } from "../../helpers/results.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});
function runsDir(): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  return join(dir, "runs");
}
const scored = (id: string, score: number, repetition = 1) => result(id, [evaluation("top_k", score)], { repetition });

describe("findRun", () => {
  it("latest is the newest finished, complete run of the same experiment, never the one excluded", async () => {
    const runs = runsDir();
    const base = { evaluators: ["top_k"], results: [scored("a", 1)] };
    recordRun(runs, { ...base, name: "eval_search_1", experiment: "search", startedAt: "2026-01-01T00:00:01.000Z" });
    recordRun(runs, { ...base, name: "eval_search_2", experiment: "search", startedAt: "2026-01-01T00:00:02.000Z" });
    recordRun(runs, { ...base, name: "eval_search_3", experiment: "search", startedAt: "2026-01-01T00:00:03.000Z", planned: 5 }); // incomplete
    recordRun(runs, { ...base, name: "eval_search_4", experiment: "search", startedAt: "2026-01-01T00:00:04.000Z", status: "interrupted" });
    recordRun(runs, { ...base, name: "eval_search_5", experiment: "search", startedAt: "2026-01-01T00:00:05.000Z", unfinished: true });
    recordRun(runs, { ...base, name: "eval_router_6", experiment: "router", startedAt: "2026-01-01T00:00:06.000Z" });
    recordRun(runs, { ...base, name: "eval_search_6", experiment: "search", startedAt: "2026-01-01T00:00:06.500Z", shard: "1/2" }); // a shard
    recordRun(runs, { ...base, name: "eval_search_7", experiment: "search", startedAt: "2026-01-01T00:00:07.000Z" }); // this run

    expect((await findRun("latest", { runsDir: runs, experiment: "search", exclude: "eval_search_7" })).name).toBe("eval_search_2");
    expect((await findRun("latest", { runsDir: runs, experiment: "search" })).name).toBe("eval_search_7");
    const error = await findRun("latest", { runsDir: runs, experiment: "nothing" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunNotFoundError);
    expect((error as Error).message).toContain('baseline "latest": no finished, complete run of nothing in');
  });

  it("finds a run by name in the runs folder or by folder path, and names a reference it cannot find", async () => {
    const runs = runsDir();
    const dir = recordRun(runs, { name: "eval_search_1", experiment: "search", startedAt: "2026-01-01T00:00:01.000Z", evaluators: ["top_k"], results: [scored("a", 1), scored("b", 0)] });
    const byName = await findRun("eval_search_1", { runsDir: runs });
    expect(byName).toMatchObject({ name: "eval_search_1", experiment: "search", location: dir, evaluators: ["top_k"] });
    const results = [];
    for await (const each of byName.results()) results.push(each.exampleId);
    expect(results).toEqual(["a", "b"]);
    expect((await findRun(dir, { runsDir: "/nowhere" })).name).toBe("eval_search_1");
    const missing = await findRun("eval_nope", { runsDir: runs }).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/^"eval_nope": no run folder of that name in .*runs and no such folder/);
    const notRun = await findRun(join(runs, ".."), { runsDir: runs }).catch((e: unknown) => e);
    expect((notRun as Error).message).toContain("is not an evalwire run folder (no run.json)");
  });
});

describe("BaselineComparison", () => {
  it("matches task calls by example id and repetition: regressed, fixed, new, missing, and mean deltas", async () => {
    const runs = runsDir();
    recordRun(runs, {
      name: "base",
      experiment: "search",
      startedAt: "2026-01-01T00:00:00.000Z",
      evaluators: ["top_k"],
      results: [scored("a", 1), scored("b", 1), scored("c", 0), scored("d", 1), scored("a", 1, 2), result("e", [], { error: "boom" })],
    });
    const comparison = await BaselineComparison.load(await findRun("base", { runsDir: runs }), { evaluators: {} });
    for (const each of [scored("a", 0), scored("b", 1), scored("c", 1), scored("a", 1, 2), scored("e", 1), scored("f", 1)]) comparison.add(each);
    const report = comparison.report({ top_k: 5 / 6 });
    expect(report).toMatchObject({ ref: "base", name: "base", regressed: 1, fixed: 2, new: 1, missing: 1, regressedIds: ["a"], fixedIds: ["c", "e"] });
    expect(report.evaluators.top_k!.baseline).toBe(0.8);
    expect(report.evaluators.top_k!.delta).toBeCloseTo(5 / 6 - 0.8);
  });

  it("a shard is compared with the baseline's calls of that shard alone: no other shard's call is missing, the means are over the same calls", async () => {
    const runs = runsDir();
    const ids = Array.from({ length: 20 }, (_, i) => `e${i}`);
    const shard = { index: 2, count: 3 };
    const mine = ids.filter((id) => inShard(shard, id, 1));
    // The baseline scores 1 on this shard's examples and 0 on the others.
    recordRun(runs, { name: "base", experiment: "search", startedAt: "2026-01-01T00:00:00.000Z", evaluators: ["top_k"], results: ids.map((id) => scored(id, mine.includes(id) ? 1 : 0)) });
    const judge = await ExperimentJudge.start({ experiment: "search", evaluators: ["top_k"], thresholds: { evaluators: {} }, baseline: { ref: "base", runsDir: runs }, currentRun: null, shard });
    for (const id of mine) judge.add(scored(id, 1));
    const { baseline } = judge.finish({ planned: mine.length, completed: mine.length, dryRun: false, interrupted: false, limited: true });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.length).toBeLessThan(ids.length);
    expect(baseline).toMatchObject({ regressed: 0, fixed: 0, new: 0, missing: 0 });
    expect(baseline!.evaluators.top_k).toEqual({ baseline: 1, current: 1, delta: 0 });
  });

  it("a regression is per evaluator: one that passed and fails now counts, though another failed all along", async () => {
    const runs = runsDir();
    const two = (id: string, exact: number, graded: number) => result(id, [evaluation("exact", exact), evaluation("graded", graded)]);
    recordRun(runs, {
      name: "base",
      experiment: "search",
      startedAt: "2026-01-01T00:00:00.000Z",
      evaluators: ["exact", "graded"],
      results: [two("a", 1, 0.5), two("b", 0, 0.5), two("c", 1, 0.5)],
    });
    const comparison = await BaselineComparison.load(await findRun("base", { runsDir: runs }), { evaluators: {} });
    for (const each of [two("a", 0, 0.5), two("b", 1, 0.5), two("c", 0, 1)]) comparison.add(each);
    expect(comparison.report({})).toMatchObject({ regressed: 2, fixed: 1, regressedIds: ["a", "c"], fixedIds: ["b"] });
  });

  it("judges both sides by the current pass bar", async () => {
    const runs = runsDir();
    recordRun(runs, { name: "base", experiment: "search", startedAt: "2026-01-01T00:00:00.000Z", evaluators: ["top_k"], results: [scored("a", 0.6)] });
    const strict = await BaselineComparison.load(await findRun("base", { runsDir: runs }), { evaluators: {} });
    strict.add(scored("a", 0.4));
    expect(strict.report({}).regressed).toBe(0);
    const lenient = await BaselineComparison.load(await findRun("base", { runsDir: runs }), thresholdsFromTable({ top_k: { pass: 0.5 } }));
    lenient.add(scored("a", 0.4));
    expect(lenient.report({}).regressed).toBe(1);
  });

  it("gates on mean drop and regressions; a hair of float error is no drop", async () => {
    const report = {
      ref: "latest",
      name: "base",
      location: "x",
      evaluators: { top_k: { baseline: 0.8, current: 0.78, delta: -0.02 }, exact: { baseline: 0.9, current: 0.8, delta: -0.1 }, extra: { baseline: null, current: 1, delta: null } },
      regressed: 3,
      fixed: 0,
      new: 0,
      missing: 0,
      regressedIds: [],
      fixedIds: [],
    };
    const gates = baselineGates("search", report, { maxMeanDrop: 0.02, maxRegressions: 2 }, false);
    expect(gates.map((g) => [g.text, g.verdict])).toEqual([
      ["top_k mean drop 0.02 <= 0.02", "pass"],
      ["exact mean drop 0.10 > 0.02", "fail"],
      ["regressions 3 > 2", "fail"],
    ]);
    expect(baselineGates("search", report, {}, false)).toEqual([]);
    expect(baselineGates("search", report, { maxRegressions: 0 }, true)[0]!.verdict).toBe("not applied");
  });
});
