import { describe, expect, it } from "vitest";
import { type ExperimentFacts, verdict } from "../../src/engine/verdict.js";
import type { Judgement } from "../../src/judge/experiment-judge.js";
import { gate } from "../../src/judge/gate.js";

const ok: ExperimentFacts = {
  planned: 10,
  completed: 10,
  taskErrors: 0,
  evaluatorErrors: 0,
  failure: null,
  interrupted: false,
  unrecorded: { count: 0, first: "" },
  escaped: { count: 0, first: "" },
  drainProblem: null,
};

describe("verdict", () => {
  it.each<[string, Partial<ExperimentFacts>, ReturnType<typeof verdict>]>([
    ["everything ran, nothing failed", {}, { status: "passed", failure: null }],
    ["a task error", { taskErrors: 1 }, { status: "failed", failure: null }],
    ["an evaluator error", { evaluatorErrors: 2 }, { status: "failed", failure: null }],
    ["a load error", { failure: "task.ts: cannot load", completed: 0 }, { status: "failed", failure: "task.ts: cannot load" }],
    ["interrupted before the end", { interrupted: true, completed: 4 }, { status: "interrupted", failure: null }],
    ["interrupted after the last result", { interrupted: true }, { status: "passed", failure: null }],
    [
      "results not recorded",
      { unrecorded: { count: 21, first: "ENOSPC: no space left on device" } },
      { status: "failed", failure: "21 of 10 results not recorded: ENOSPC: no space left on device" },
    ],
    ["a sink that could not drain", { drainProblem: "3 runs not recorded in Phoenix" }, { status: "failed", failure: "3 runs not recorded in Phoenix" }],
    [
      "errors that escaped",
      { escaped: { count: 2, first: "boom" } },
      { status: "failed", failure: "an error escaped the task or an evaluator (not awaited, or thrown in a callback): boom (and 1 more)" },
    ],
    ["a load error wins over an interrupt", { failure: "bad", interrupted: true, completed: 0 }, { status: "failed", failure: "bad" }],
  ])("%s", (_name, facts, expected) => {
    expect(verdict({ ...ok, ...facts })).toEqual(expected);
  });
});

describe("verdict with a judgement (thresholds and baseline gates)", () => {
  const judged = (overrides: Partial<Judgement>): Judgement => ({
    gates: [],
    scores: {},
    passBars: {},
    baseline: null,
    baselineError: null,
    repeated: false,
    partial: false,
    maxErrorsSet: false,
    failure: null,
    ...overrides,
  });
  it.each<[string, Partial<ExperimentFacts>, ReturnType<typeof verdict>]>([
    ["a failed gate", { judgement: judged({ failure: "top_k mean 0.72 < 0.80" }) }, { status: "failed", failure: "top_k mean 0.72 < 0.80" }],
    ["gates that passed", { judgement: judged({}) }, { status: "passed", failure: null }],
    ["errors within max_errors", { taskErrors: 2, judgement: judged({ maxErrorsSet: true }) }, { status: "passed", failure: null }],
    ["errors with no max_errors set", { taskErrors: 2, judgement: judged({}) }, { status: "failed", failure: null }],
    [
      "errors in a partial run (dry run, selection, shard) beyond max_errors of its own calls: its failed gate",
      { taskErrors: 2, judgement: judged({ maxErrorsSet: true, partial: true, gates: [gate("x", "max_errors", null, 2, 1)], failure: "errors 2 > 1" }) },
      { status: "failed", failure: "errors 2 > 1" },
    ],
    [
      "errors in a partial run within max_errors of its own calls",
      { taskErrors: 1, judgement: judged({ maxErrorsSet: true, partial: true, gates: [gate("x", "max_errors", null, 1, 1)] }) },
      { status: "passed", failure: null },
    ],
    ["a load error wins over a gate", { failure: "bad", judgement: judged({ failure: "top_k mean 0 < 0.80" }) }, { status: "failed", failure: "bad" }],
    ["an interrupt before the end wins over a gate", { interrupted: true, completed: 3, judgement: judged({ failure: "x" }) }, { status: "interrupted", failure: null }],
  ])("%s", (_name, facts, expected) => {
    expect(verdict({ ...ok, ...facts })).toEqual(expected);
  });
});
