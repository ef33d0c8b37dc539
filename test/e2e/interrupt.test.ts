import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, startCli } from "../helpers/cli.js";
import { describeRun, evaluation, evalwire, fixture, readResults, readRun, recordedLines, resultsById, runDirFor, runFolders, useTempDirs, waitFor } from "./_support.js";

const temp = useTempDirs();

/**
 * interrupt/a_slow runs one example at a time: e1 and e2 finish at once, e3 hangs ignoring its
 * signal (with a live timer), e4 and e5 never start; b_later would run after it.
 */
async function interrupt(signal: "SIGINT" | "SIGTERM") {
  const cwd = temp();
  const child = startCli(["run", "--experiments", fixture("interrupt")], { cwd });
  const done = collect(child);
  try {
    await waitFor(() => recordedLines(cwd) >= 2, 30_000, "two results in results.jsonl");
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${describeRun(await done)}`);
  }
  // e3 is now in flight (it starts as soon as e2 is recorded); let it get going
  await new Promise((resolve) => setTimeout(resolve, 150));
  const sentAt = Date.now();
  child.kill(signal);
  const r = await done;
  return { cwd, r, exitMs: Date.now() - sentAt };
}

describe("interrupting a run", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal}: exits 130 promptly, keeps the finished results and prints a summary saying it was interrupted`, async () => {
      const { cwd, r, exitMs } = await interrupt(signal);
      expect(r.code, describeRun(r)).toBe(130);
      // the hanging task ignored its signal and kept a timer alive: abandoned, it does not hold the process
      expect(exitMs).toBeLessThan(8000);
      expect(r.stderr).toContain(signal);
      expect(r.stdout).toMatch(/interrupted/i);
      // the summary names both experiments: a_slow part-done, b_later never started
      expect(r.stdout).toMatch(/a_slow\b.*2\/5/);
      expect(r.stdout).toMatch(/b_later/);

      expect(runFolders(cwd)).toHaveLength(1);
      const dir = runDirFor(cwd, "a_slow");
      const results = readResults(dir);
      expect(results.map((x) => x.exampleId)).toEqual(["e1", "e2"]);
      for (const result of results) {
        expect(result).toMatchObject({ status: "ok", error: null });
        expect(evaluation(result, "done").score).toBe(1);
      }
      // run.json was finished, and says the run was interrupted
      expect(JSON.stringify(readRun(dir))).toMatch(/interrupted/);
    });
  }
});

describe("--timeout", () => {
  it("abandons a task and an evaluator that ignore their signal, records them as timed out, and exits 1 promptly", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-hangs"), "--timeout", "200"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    // spawn (up to a few seconds on a loaded 2-core machine) + 200 ms per experiment; the live timers
    // must not keep it alive (the default timeout is 300 s, the test's own limit 60 s)
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stdout).toMatch(/example stuck\b.*timed out/);

    const hang = resultsById(runDirFor(cwd, "hang"));
    expect(hang.fast).toMatchObject({ status: "ok", output: { fine: true }, error: null });
    expect(evaluation(hang.fast, "fine").score).toBe(1);
    expect(hang.stuck).toMatchObject({ status: "timeout", output: null });
    expect(hang.stuck.error).toMatch(/timed out/);
    expect(hang.stuck.error).toMatch(/200/);
    expect(hang.stuck.durationMs).toBeGreaterThanOrEqual(150);
    expect(hang.stuck.durationMs).toBeLessThan(2000);

    const [judged] = readResults(runDirFor(cwd, "judge_hangs"));
    expect(judged).toMatchObject({ status: "ok", output: { answer: 42 } });
    const slow = evaluation(judged, "slow_judge");
    expect(slow.score).toBeNull();
    expect(slow.error).toMatch(/timed out/);
  });
});

describe("a signal while the CLI still loads", () => {
  // The fixture's preload sends the signal as the CLI's main module loads: before `run` has set its own handlers.
  const preload = join(fixture("signal-while-loading"), "preload.mjs");

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal}: run stops at once with its summary and exit 130, nothing run`, async () => {
      const cwd = temp();
      const r = await evalwire(["run", "--experiments", fixture("interrupt")], cwd, { NODE_OPTIONS: `--import ${preload}`, EVALWIRE_TEST_SIGNAL: signal });
      expect(r.code, describeRun(r)).toBe(130);
      expect(r.stderr).toContain(`${signal}: stopping`);
      expect(r.stdout).toMatch(/interrupted/i);
      expect(recordedLines(cwd)).toBe(0);
    });
  }

  it("another command ends as Node ends a process on that signal", async () => {
    const r = await evalwire(["list", "--experiments", fixture("interrupt")], temp(), { NODE_OPTIONS: `--import ${preload}`, EVALWIRE_TEST_SIGNAL: "SIGTERM" });
    expect(r.signal, describeRun(r)).toBe("SIGTERM");
  });
});
