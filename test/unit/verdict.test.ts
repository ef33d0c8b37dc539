import { describe, expect, it } from "vitest";
import { verdict, type ExperimentFacts } from "../../src/engine/verdict.js";

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
    ["results not recorded", { unrecorded: { count: 21, first: "ENOSPC: no space left on device" } }, { status: "failed", failure: "21 of 10 results not recorded: ENOSPC: no space left on device" }],
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
