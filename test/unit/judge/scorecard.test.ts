import { describe, expect, it } from "vitest";
import { gate, gatesFailure } from "../../../src/judge/gate.js";
import { Scorecard } from "../../../src/judge/scorecard.js";
import { thresholdsFromTable } from "../../../src/judge/thresholds.js";
import { evaluation, result } from "../../helpers/results.js";

describe("gate", () => {
  it("writes the failure line with the measured value and the bar", () => {
    expect(gate("search", "mean", "top_k", 0.72, 0.8)).toMatchObject({ verdict: "fail", text: "top_k mean 0.72 < 0.80" });
    expect(gate("search", "mean", "top_k", 0.91, 0.8)).toMatchObject({ verdict: "pass", text: "top_k mean 0.91 >= 0.80" });
    expect(gate("search", "max_errors", null, 3, 2)).toMatchObject({ verdict: "fail", text: "errors 3 > 2" });
    expect(gate("search", "pass_all_k", "judge", 0.5, 0.6)).toMatchObject({ verdict: "fail", text: "judge pass^k 0.50 < 0.60" });
  });

  it("never shows a failed value equal to its bar", () => {
    expect(gate("search", "mean", "top_k", 0.795, 0.8).text).toBe("top_k mean 0.795 < 0.800");
  });

  it("a partial run shows the gate as not applied, and nothing to measure fails", () => {
    expect(gate("search", "mean", "top_k", 0.1, 0.8, true)).toMatchObject({ verdict: "not applied", text: "top_k mean 0.10 (bar 0.80): not applied (partial run)" });
    expect(gate("search", "mean", "top_k", null, 0.8)).toMatchObject({ verdict: "fail", text: "top_k mean: nothing to measure (bar 0.80)" });
  });

  it("joins the failed gates into the experiment's failure line", () => {
    const gates = [gate("s", "mean", "top_k", 0.72, 0.8), gate("s", "mean", "exact", 1, 0.5), gate("s", "max_errors", null, 4, 1)];
    expect(gatesFailure(gates)).toBe("top_k mean 0.72 < 0.80; errors 4 > 1");
    expect(gatesFailure([gates[1]!])).toBeNull();
  });
});

describe("Scorecard", () => {
  it("counts means, pass rates and errors, with a task error counting as not passing", () => {
    const card = new Scorecard(["top_k", "exact"], thresholdsFromTable({ top_k: { pass: 0.5 } }));
    card.add(result("a", [evaluation("top_k", 0.9), evaluation("exact", 1)]));
    card.add(result("b", [evaluation("top_k", 0.4), evaluation("exact", 0)]));
    card.add(result("c", [evaluation("top_k", 0.5), evaluation("exact", null, "boom")]));
    card.add(result("d", [], { error: "task failed" }));
    const scores = card.scores();
    expect(scores.top_k).toMatchObject({ scored: 3, errors: 0, passed: 2, calls: 4, passRate: 0.5 });
    expect(scores.top_k!.mean).toBeCloseTo(0.6);
    expect(scores.exact).toMatchObject({ mean: 0.5, scored: 2, errors: 1, passed: 1, passRate: 0.25 });
    expect(card.totals).toEqual({ calls: 4, examples: 4, errors: 2 });
  });

  it("a label of pass with no score passes", () => {
    const card = new Scorecard(["tone"], { evaluators: {} });
    card.add(result("a", [evaluation("tone", null, null, "pass")]));
    card.add(result("b", [evaluation("tone", null, null, "fail")]));
    expect(card.scores().tone).toMatchObject({ mean: null, passed: 1, passRate: 0.5 });
  });

  it("pass@k counts examples with one passing repetition; pass^k those whose every repetition passes", () => {
    const card = new Scorecard(["judge"], { evaluators: {} });
    const reps = { a: [1, 1, 1], b: [0, 1, 0], c: [0, 0, 0], d: [1, 1, 0] };
    for (const [id, scores] of Object.entries(reps)) {
      for (const [i, score] of scores.entries()) card.add(result(id, [evaluation("judge", score)], { repetition: i + 1 }));
    }
    expect(card.scores().judge).toMatchObject({ passAtK: 0.75, passAllK: 0.25, passRate: 6 / 12 });
  });

  it("leaves out the calls an evaluator does not apply to (an example without its own rubric criteria), as the mean does", () => {
    // `rubric` scores only the examples that carry criteria: c has none, so it is no failure of rubric.
    for (const repetitions of [1, 3]) {
      const card = new Scorecard(["rubric", "exact"], { evaluators: {} }, { repetitions });
      for (let repetition = 1; repetition <= repetitions; repetition++) {
        card.add(result("a", [evaluation("rubric", 1), evaluation("exact", 1)], { repetition }));
        card.add(result("b", [evaluation("rubric", repetition === 2 ? 0 : 1), evaluation("exact", 1)], { repetition }));
        card.add(result("c", [evaluation("exact", 0)], { repetition }));
        card.add(result("d", [], { repetition, error: "task failed" }));
      }
      const calls = 3 * repetitions;
      expect(card.scores().rubric).toMatchObject({ mean: repetitions === 1 ? 1 : 5 / 6, calls, passAtK: 2 / 3, passAllK: repetitions === 1 ? 2 / 3 : 1 / 3 });
      expect(card.scores().rubric!.passRate).toBeCloseTo(repetitions === 1 ? 2 / 3 : 5 / 9);
      // Every other evaluator still counts every call, a task error as not passing.
      expect(card.scores().exact).toMatchObject({ calls: 4 * repetitions, passAtK: 0.5, passAllK: 0.5 });
    }
  });

  it("told there is one repetition, it keeps nothing per example and gives the same scores and totals", () => {
    const thresholds = thresholdsFromTable({ top_k: { pass: 0.5 } });
    const tracking = new Scorecard(["top_k", "exact"], thresholds);
    const oneEach = new Scorecard(["top_k", "exact"], thresholds, { repetitions: 1 });
    for (let i = 0; i < 50; i++) {
      const each =
        i % 7 === 0
          ? result(`e${i}`, [], { error: "task failed" })
          : result(`e${i}`, [evaluation("top_k", (i % 10) / 10), evaluation("exact", i % 3 === 0 ? null : i % 2, i % 3 === 0 ? "boom" : null)]);
      tracking.add(each);
      oneEach.add(each);
    }
    expect(oneEach.scores()).toEqual(tracking.scores());
    expect(oneEach.totals).toEqual(tracking.totals);
    expect(oneEach.scores().top_k!.passAtK).toBeGreaterThan(0);
  });

  it("judges every configured gate; a partial run applies only max_errors, over its own calls", () => {
    const thresholds = thresholdsFromTable({ max_errors: "10%", top_k: 0.8, judge: { pass: 1, pass_rate: 0.5, pass_at_k: 0.9, pass_all_k: 0.2 } });
    const card = new Scorecard(["top_k", "judge"], thresholds);
    for (let i = 0; i < 10; i++) card.add(result(`e${i}`, [evaluation("top_k", i < 7 ? 1 : 0.5), evaluation("judge", i % 2)]));
    const gates = card.gates("search", thresholds, { planned: 10, partial: false });
    expect(gates.map((g) => [g.text, g.verdict])).toEqual([
      ["errors 0 <= 1", "pass"],
      ["top_k mean 0.85 >= 0.80", "pass"],
      ["judge pass rate 0.50 >= 0.50", "pass"],
      ["judge pass@k 0.50 < 0.90", "fail"],
      ["judge pass^k 0.50 >= 0.20", "pass"],
    ]);
    expect(gatesFailure(gates)).toBe("judge pass@k 0.50 < 0.90");
    const partial = card.gates("search", thresholds, { planned: 10, partial: true });
    expect(partial.map((g) => g.verdict)).toEqual(["pass", "not applied", "not applied", "not applied", "not applied"]);
    expect(gatesFailure(partial)).toBeNull();
  });

  it("a partial run (a shard, a dry run) with errors beyond max_errors fails that gate, not a gate shown as not applied", () => {
    const thresholds = thresholdsFromTable({ max_errors: 1, top_k: 0.8 });
    const card = new Scorecard(["top_k"], thresholds);
    for (let i = 0; i < 5; i++) card.add(i < 3 ? result(`e${i}`, [], { error: "boom" }) : result(`e${i}`, [evaluation("top_k", 1)]));
    const gates = card.gates("search", thresholds, { planned: 5, partial: true });
    expect(gates.map((g) => [g.text, g.verdict])).toEqual([
      ["errors 3 > 1", "fail"],
      ["top_k mean 1 (bar 0.80): not applied (partial run)", "not applied"],
    ]);
    expect(gatesFailure(gates)).toBe("errors 3 > 1");
  });
});
