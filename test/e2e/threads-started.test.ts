import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeRun, evalwire, fixture, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const preload = join(fixture("threads-started"), "preload.mjs");

/** Runs the CLI and counts the worker threads it started (see the fixture's preload). */
async function threadsStarted(args: string[]) {
  const cwd = temp();
  const file = join(cwd, "threads.txt");
  const r = await evalwire(args, cwd, { NODE_OPTIONS: `--import ${preload}`, EVALWIRE_TEST_THREADS_FILE: file });
  const threads = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
  return { r, threads };
}

describe("worker threads the CLI starts", () => {
  it("list starts one for the experiments' code (the count is seen)", async () => {
    const { r, threads } = await threadsStarted(["list", "--experiments", fixture("basic")]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(threads).toBeGreaterThan(0);
  });

  // A thread started ahead for run or list would only be stopped again: the process would wait for it at its end.
  for (const args of [
    ["run", "--help"],
    ["run", "-h"],
    ["list", "--help"],
  ]) {
    it(`${args.join(" ")} prints the usage and starts none`, async () => {
      const { r, threads } = await threadsStarted(args);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout).toContain(`Usage: evalwire ${args[0]}`);
      expect(threads).toBe(0);
    });
  }
});
