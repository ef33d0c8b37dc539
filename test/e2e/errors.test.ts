import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cli.js";
import { describeRun, evalwire, fixture, root, runFolders, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const basic = fixture("basic");

/**
 * [what, argv, the message must match]: every one exits 2 with one line on stderr, before any work.
 * Three paths to the terminal: a flag's own check, and an unknown --name found after discovery by
 * `run` and by `list`. Every other usage error is checked in-process: test/unit/parse-cli.test.ts
 * (flags), settings.test.ts (--config, --phoenix-url), discover.test.ts (folders, --name).
 */
const usageErrors: [string, string[], RegExp][] = [
  ["--dry-run 0", ["run", "--experiments", basic, "--dry-run", "0"], /--dry-run\b.*\b0\b/],
  ["an unknown --name", ["run", "--experiments", basic, "--name", "greet", "--name", "nope"], /nope.*\bgreet\b/],
  ["list with an unknown --name", ["list", "--experiments", basic, "--name", "nope"], /nope.*\bgreet\b/],
];

describe("usage errors exit 2 with one line naming the culprit, before any work", () => {
  // Concurrent: each spawn fails fast, so they overlap well. Each removes its own folder (afterEach
  // would run while siblings are still going).
  it.concurrent.for(usageErrors)("%s", async ([, args, message], { expect }) => {
    const { dir: cwd, remove } = tempDir();
    try {
      const r = await evalwire(args, cwd);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).not.toMatch(/started/);
      expect(existsSync(join(cwd, ".evalwire"))).toBe(false);
    } finally {
      remove();
    }
  });
});

describe("help and version", () => {
  it("--help exits 0 and lists the commands; run --help lists every flag; --version prints the version", async () => {
    const cwd = temp();
    const [help, runHelp, version] = await Promise.all([evalwire(["--help"], cwd), evalwire(["run", "--help"], cwd), evalwire(["--version"], cwd)]);
    expect(help.code, describeRun(help)).toBe(0);
    for (const command of ["run", "list", "init"]) expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));

    expect(runHelp.code, describeRun(runHelp)).toBe(0);
    const flags = [
      "--experiments",
      "--name",
      "--dry-run",
      "--concurrency",
      "--example-concurrency",
      "--prefix",
      "--metadata",
      "--timeout",
      "--repetitions",
      "--backend",
      "--phoenix-url",
      "--config",
      "--quiet",
      "--verbose",
    ];
    for (const flag of flags) expect(runHelp.stdout).toMatch(new RegExp(`${flag}\\b`));

    expect(version.code, describeRun(version)).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
    expect(runFolders(cwd)).toEqual([]);
  });
});
