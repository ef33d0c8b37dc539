import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { snapshot } from "../helpers/cli.js";
import { describeRun, evaluation, evalwire, fixture, readResults, resultsById, runDirFor, runFolders, stackFrames, useTempDirs } from "./_support.js";

const temp = useTempDirs();

describe("evaluator return shapes", () => {
  it("turns numbers, booleans, strings, objects, promises, default exports and evaluator objects into scores", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("evaluator-shapes"), "--name", "shapes", "--name", "undefined_output"], cwd);
    expect(r.code, describeRun(r)).toBe(0);

    const byId = resultsById(runDirFor(cwd, "shapes"));
    expect(Object.keys(byId).sort()).toEqual(["a", "b"]);
    for (const id of ["a", "b"]) {
      const result = byId[id];
      expect(result.status).toBe("ok");
      // the evaluator's name is its file stem, never an object's `name`
      expect(result.evaluations.map((e: any) => e.name).sort()).toEqual([
        "args_check",
        "async_number",
        "boolean",
        "default_export",
        "label",
        "number",
        "object_full",
        "object_label_only",
        "object_score_only",
        "phoenix_style",
      ]);
      for (const e of result.evaluations) expect(e.error, `${e.name} on ${id}`).toBeNull();
      expect(evaluation(result, "number")).toMatchObject({ score: 0.5, label: null, explanation: null });
      expect(evaluation(result, "label")).toMatchObject({ score: null, label: "relevant" });
      expect(evaluation(result, "object_full")).toMatchObject({ score: 0.25, label: "meh", explanation: "because it is so" });
      expect(evaluation(result, "object_score_only")).toMatchObject({ score: 0, label: null });
      expect(evaluation(result, "object_label_only")).toMatchObject({ score: null, label: "tagged", explanation: "no score here" });
      expect(evaluation(result, "async_number")).toMatchObject({ score: 0.75 });
      expect(evaluation(result, "default_export")).toMatchObject({ score: 1 });
      expect(evaluation(result, "phoenix_style")).toMatchObject({ score: 0.9, label: "close" });
      // evaluators get { input, output, expected, metadata, example, durationMs }, taken from the example
      expect(evaluation(result, "args_check")).toMatchObject({ label: "durationMs,example,expected,input,metadata,output,signal", explanation: `true greek ${id}` });
      expect(typeof evaluation(result, "number").durationMs).toBe("number");
    }
    expect(evaluation(byId.a, "boolean")).toMatchObject({ score: 1, label: "pass" });
    expect(evaluation(byId.b, "boolean")).toMatchObject({ score: 0, label: "fail" });
    expect(r.stdout).toMatch(/boolean 0\.50/);
    expect(r.stdout).toMatch(/phoenix_style 0\.90/);

    // a task returning undefined is recorded as null
    const [nothing] = readResults(runDirFor(cwd, "undefined_output"));
    expect(nothing).toMatchObject({ exampleId: "u1", status: "ok", output: null, error: null });
    expect(evaluation(nothing, "is_null")).toMatchObject({ score: 1, label: "pass", error: null });
  });

  it("records NaN, Infinity, null, undefined, arrays, unknown keys and throws as evaluator errors, never as scores", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("evaluator-returns-nan")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const [result] = readResults(runDirFor(cwd, "bad"));
    expect(result.status).toBe("ok");
    expect(result.output).toEqual({ answer: "yes" });
    const expected: Record<string, RegExp> = {
      nan: /NaN/,
      infinity: /Infinity/,
      null_value: /null/,
      undefined_value: /undefined/,
      array: /array/i,
      unknown_key: /grade/,
      score_nan: /NaN/,
      score_string: /score/,
      throws: /evaluator exploded/,
    };
    for (const [name, message] of Object.entries(expected)) {
      const e = evaluation(result, name);
      expect(e.score, name).toBeNull();
      expect(e.error, name).toMatch(message);
    }
    expect(evaluation(result, "fine")).toMatchObject({ score: 1, error: null });
    expect(r.stdout).toMatch(/\bnan\b.*NaN/);
    expect(r.stdout).toMatch(/fine 1\.00/);
    expect(r.stdout).toMatch(/1 of 1 experiment failed/);
  });
});

describe("task errors", () => {
  it("records each throw with its message, keeps the other examples, and exits 1", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-throws")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const byId = resultsById(runDirFor(cwd, "thrower"));
    expect(Object.keys(byId).sort()).toEqual(["bigint", "err", "ok", "str"]);
    expect(byId.ok).toMatchObject({ status: "ok", output: { value: 1 }, error: null });
    expect(evaluation(byId.ok, "always_one").score).toBe(1);
    expect(byId.err).toMatchObject({ status: "error", output: null, error: 'boom: bad input {"value":2}' });
    expect(byId.str).toMatchObject({ status: "error", output: null });
    expect(byId.str.error).toContain("a plain string was thrown");
    // a value that is not JSON is the task's error, not silently stored
    expect(byId.bigint).toMatchObject({ status: "error", output: null });
    expect(byId.bigint.error).toMatch(/JSON|BigInt/);
    expect(r.stdout).toMatch(/example err\b.*boom: bad input/);
    expect(r.stdout).toMatch(/example str\b.*a plain string was thrown/);
    // without --verbose, no stack traces
    expect(stackFrames(r.all)).toEqual([]);
  });
});

describe("load errors", () => {
  it("a syntax error or a bad import fails that experiment, naming the file and line; the others still run", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("syntax-error")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.all).toMatch(/broken[\\/]task\.ts\b.*(line 3\b|:3:)/);
    expect(r.all).toMatch(/broken_evaluator[\\/]judge\.ts\b.*(line 3\b|:3:)/);
    expect(r.all).toMatch(/bad_import[\\/]task\.ts\b.*_does_not_exist/);
    expect(r.stdout).toMatch(/3 of 4 experiments failed/);
    // the load error is one line: esbuild's "Transform failed" preamble is not the message
    expect(r.all).not.toMatch(/Transform failed/);
    expect(stackFrames(r.all)).toEqual([]);

    expect(runFolders(cwd)).toHaveLength(1);
    const [fine] = readResults(runDirFor(cwd, "fine"));
    expect(fine).toMatchObject({ status: "ok", output: { ok: true } });
    expect(evaluation(fine, "ok").score).toBe(1);
  });

  it("a task file without `task`, a non-function task, and evaluators without their export fail with the file named", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("missing-export")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.all).toMatch(/no_task[\\/]task\.ts\b.*"task"/);
    expect(r.all).toMatch(/not_a_function[\\/]task\.ts\b.*function/);
    expect(r.all).toMatch(/bad_evaluator[\\/]scorer\.ts\b.*"scorer"/);
    expect(r.all).toMatch(/bad_evaluator[\\/]constant\.ts\b.*function/);
    expect(r.stdout).toMatch(/3 of 4 experiments failed/);
    // a default-exported task works
    expect(readResults(runDirFor(cwd, "fine"))[0]).toMatchObject({ status: "ok", output: { ok: true } });
  });
});

describe("discovery and loading", () => {
  it("skips helpers, tests, specs, .d.ts, hidden and nested files, folders without task.ts and top-level files, and writes nothing beside them", async () => {
    const helpers = fixture("helpers-and-tests");
    const before = snapshot(helpers);
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", helpers], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/2 experiments in .*: exp, mts_exp/);
    expect(r.all).not.toMatch(/must not be loaded/);
    expect(r.all).not.toMatch(/not_an_experiment/);
    const byId = resultsById(runDirFor(cwd, "exp"));
    // the task imported ./_helper relatively
    expect(byId.w1.output).toEqual({ shouted: "HEY!" });
    expect(byId.w2.output).toEqual({ shouted: "YO!" });
    for (const result of Object.values(byId)) {
      expect(result.evaluations.map((e: any) => e.name).sort()).toEqual(["plain", "scored"]);
      expect(evaluation(result, "scored")).toMatchObject({ score: 1, error: null });
      expect(evaluation(result, "plain")).toMatchObject({ label: "string", error: null });
    }
    const [mts] = readResults(runDirFor(cwd, "mts_exp"));
    expect(mts.output).toEqual({ n: 2 });
    expect(evaluation(mts, "plus_one")).toMatchObject({ score: 1 });

    // loading never writes into the user's folders
    expect(snapshot(helpers)).toEqual(before);
    expect(existsSync(join(helpers, ".evalwire"))).toBe(false);
  });

  it("loads a CommonJS project's TypeScript as CommonJS: relative imports, require, __dirname; writes nothing beside it", async () => {
    const commonjs = fixture("commonjs-project");
    const before = snapshot(commonjs);
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", join(commonjs, "experiments")], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    const byId = resultsById(runDirFor(cwd, "cjs_exp"));
    expect(byId.n2.output).toMatchObject({ doubled: 4, tripled: 6 });
    expect(byId.n5.output).toMatchObject({ doubled: 10, tripled: 15 });
    expect(evaluation(byId.n5, "matches")).toMatchObject({ score: 1, error: null });
    expect(snapshot(commonjs)).toEqual(before);
    expect(existsSync(join(commonjs, ".evalwire"))).toBe(false);
    // __dirname is the task's own folder, as in any CommonJS module
    expect(byId.n2.output.folder).toBe("cjs_exp");
  });
});
