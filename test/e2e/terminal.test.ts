// biome-ignore-all lint/suspicious/noControlCharactersInRegex: these tests look for the escape sequences a terminal gets
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bin, cleanEnv, collect, fixtures, tempDir } from "../helpers/cli.js";

const temp = tempDir();
afterAll(() => temp.remove());

/** Runs the CLI inside a pseudo-terminal with `script` (util-linux), as a person at a terminal would. */
function inTerminal(env: Record<string, string>) {
  const command = `${process.execPath} ${bin} run --experiments ${join(fixtures, "slow-progress")} --example-concurrency 2`;
  const child = spawn("script", ["-qefc", command, "/dev/null"], { cwd: temp.dir, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  return collect(child);
}

const cursorUp = /\x1b\[\d+A/;

describe("output on a terminal", () => {
  it("shows live progress that is redrawn in place", async () => {
    const result = await inTerminal({});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(cursorUp);
    expect(result.stdout).toMatch(/steady \d+\/10/);
    expect(result.stdout).toContain("1 experiment passed.");
    expect(result.stdout).not.toContain("▶ steady started");
  });

  it("prints plain start and end lines instead when CI is set", async () => {
    const result = await inTerminal({ CI: "true" });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(cursorUp);
    expect(result.stdout).toContain("▶ steady started");
    expect(result.stdout).toMatch(/✔ steady 10\/10 runs, 0 errors/);
  });

  it("colours output on a terminal unless NO_COLOR is set", async () => {
    // An empty NO_COLOR counts as unset (no-color.org); the helper sets NO_COLOR=1 otherwise.
    const coloured = await inTerminal({ NO_COLOR: "" });
    expect(coloured.stdout).toMatch(/\x1b\[3\dm/);
    const plain = await inTerminal({ NO_COLOR: "1" });
    expect(plain.stdout).not.toMatch(/\x1b\[3\dm/);
  });
});
