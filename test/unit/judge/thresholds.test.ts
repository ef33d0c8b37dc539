import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveSettings } from "../../../src/config/settings.js";
import { UsageError } from "../../../src/errors.js";
import { parseMaxErrors, parseThresholdFlag, type Thresholds, thresholdsFromTable, thresholdsPerExperiment } from "../../../src/judge/thresholds.js";
import { tempDir } from "../../helpers/cli.js";
import { thrownMessage } from "../../helpers/errors.js";

const usage = (run: () => unknown) => thrownMessage(run, UsageError);

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});
function project(toml: string): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  writeFileSync(join(dir, "evalwire.toml"), toml);
  return dir;
}
const none: Thresholds = { evaluators: {} };

describe("[thresholds] in evalwire.toml", () => {
  it("reads a bare number as the mean, tables as they are, and max_errors as a count or a share", () => {
    const cwd = project(`[thresholds]\nmax_errors = "2%"\ntop_k = 0.8\nexact_match = { mean = 0.9, pass = 1, pass_rate = 0.95 }\n`);
    const { thresholds } = resolveSettings({}, {}, cwd);
    expect(thresholds.root).toEqual({ maxErrors: { percent: 2 }, evaluators: { top_k: { mean: 0.8 }, exact_match: { mean: 0.9, pass: 1, pass_rate: 0.95 } } });
  });

  it.each([
    ['top_k = "high"', "[thresholds] top_k: expected a mean score such as 0.8, or a table with mean, pass, pass_rate, pass_at_k, pass_all_k"],
    ["top_k = { pass_rate = 1.5 }", "[thresholds.top_k] pass_rate: expected a share from 0 to 1 (got 1.5)"],
    ["top_k = { mena = 0.5 }", "unknown key [thresholds.top_k] mena"],
    ['max_errors = "lots"', '[thresholds] max_errors: expected a whole number of errors such as 3, or a share such as "2%"'],
    ['max_errors = "150%"', "[thresholds] max_errors takes a whole number of errors such as 3, or a share such as 2%"],
    ["max_errors = { mean = 1 }", "[thresholds] max_errors: expected a whole number of errors"],
  ])("%s is a usage error naming the key", (line, message) => {
    const cwd = project(`[thresholds]\n${line}\n`);
    expect(usage(() => resolveSettings({}, {}, cwd))).toContain(message);
    expect(usage(() => resolveSettings({}, {}, cwd))).toContain("evalwire.toml");
  });
});

describe("flags", () => {
  it("--threshold NAME=VALUE is a mean; max_errors goes through its own flag", () => {
    expect(parseThresholdFlag("top_k=0.75", { judge: 0.5 })).toEqual({ judge: 0.5, top_k: 0.75 });
    expect(usage(() => parseThresholdFlag("top_k", undefined))).toBe('--threshold takes EVALUATOR=MEAN such as top_k=0.8 (got "top_k")');
    expect(usage(() => parseThresholdFlag("top_k=high", undefined))).toContain("--threshold takes EVALUATOR=MEAN");
    expect(usage(() => parseThresholdFlag("max_errors=3", undefined))).toBe("--threshold max_errors=3: max_errors has its own flag: --max-errors 3");
  });

  it("--max-errors takes a count or a percentage", () => {
    expect(parseMaxErrors("3", "--max-errors")).toEqual({ count: 3 });
    expect(parseMaxErrors("2.5%", "--max-errors")).toEqual({ percent: 2.5 });
    expect(usage(() => parseMaxErrors("-1", "--max-errors"))).toContain('--max-errors takes a whole number of errors such as 3, or a share such as 2% (got "-1")');
  });

  it("flags win over the file", () => {
    const cwd = project(`[thresholds]\ntop_k = { mean = 0.8, pass_rate = 0.5 }\n`);
    const { thresholds } = resolveSettings({ threshold: { top_k: 0.6 }, maxErrors: { count: 2 } }, {}, cwd);
    const merged = thresholdsPerExperiment([{ name: "search", evaluators: ["top_k"], own: none, ownLabel: "x" }], thresholds);
    expect(merged.get("search")).toEqual({ maxErrors: { count: 2 }, evaluators: { top_k: { mean: 0.6, pass_rate: 0.5 } } });
  });
});

describe("thresholdsPerExperiment", () => {
  const sources = { root: thresholdsFromTable({ top_k: 0.8, max_errors: 1 }), rootLabel: "evalwire.toml", flags: none };

  it("a folder refines the root per evaluator and per key; root thresholds reach only experiments with that evaluator", () => {
    const merged = thresholdsPerExperiment(
      [
        { name: "search", evaluators: ["top_k", "exact"], own: thresholdsFromTable({ top_k: { pass_rate: 0.9 }, exact: 1 }), ownLabel: "search/evalwire.toml" },
        { name: "router", evaluators: ["is_in"], own: none, ownLabel: "router/evalwire.toml" },
      ],
      sources,
    );
    expect(merged.get("search")).toEqual({ maxErrors: { count: 1 }, evaluators: { top_k: { mean: 0.8, pass_rate: 0.9 }, exact: { mean: 1 } } });
    expect(merged.get("router")).toEqual({ maxErrors: { count: 1 }, evaluators: {} });
  });

  it("a folder threshold for an evaluator the experiment lacks is a usage error naming file and key", () => {
    const error = usage(() => thresholdsPerExperiment([{ name: "search", evaluators: ["top_k"], own: thresholdsFromTable({ exact: 1 }), ownLabel: "search/evalwire.toml" }], sources));
    expect(error).toBe("search/evalwire.toml: [thresholds] exact: experiment search has no evaluator exact (it has: top_k)");
  });

  it("a root or flag threshold no selected experiment can use is a usage error", () => {
    expect(usage(() => thresholdsPerExperiment([{ name: "router", evaluators: ["is_in"], own: none, ownLabel: "x" }], sources))).toBe(
      "evalwire.toml: [thresholds] top_k: no selected experiment has an evaluator top_k (evaluators: is_in)",
    );
    // Told every experiment's evaluators, the root's bar may name one of an experiment not selected.
    const router = [{ name: "router", evaluators: ["is_in"], own: none, ownLabel: "x" }];
    expect(thresholdsPerExperiment(router, sources, new Set(["is_in", "top_k"])).get("router")).toEqual({ maxErrors: { count: 1 }, evaluators: {} });
    expect(usage(() => thresholdsPerExperiment(router, sources, new Set(["is_in"])))).toBe("evalwire.toml: [thresholds] top_k: no experiment has an evaluator top_k (evaluators: is_in)");
    const flags = { ...sources, root: none, flags: { evaluators: { tpo_k: { mean: 0.5 } } } };
    expect(usage(() => thresholdsPerExperiment([{ name: "search", evaluators: ["top_k"], own: none, ownLabel: "x" }], flags))).toBe(
      "--threshold tpo_k: no selected experiment has an evaluator tpo_k (evaluators: top_k)",
    );
  });

  it("an evaluator named max_errors is refused", () => {
    expect(usage(() => thresholdsPerExperiment([{ name: "search", evaluators: ["max_errors"], own: none, ownLabel: "x" }], { ...sources, root: none }))).toContain(
      "search: an evaluator may not be named max_errors",
    );
  });
});
