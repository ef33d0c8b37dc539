import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cli.js";
import { describeRun, evalwire, fixture, root, runFolders, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const basic = fixture("basic");

/** [what, argv, the message must match]: every one exits 2 with one line on stderr, before any work. */
const usageErrors: [string, string[], RegExp][] = [
  ["--dry-run 0", ["run", "--experiments", basic, "--dry-run", "0"], /--dry-run\b.*\b0\b/],
  ["--dry-run -1", ["run", "--experiments", basic, "--dry-run", "-1"], /-1\b/],
  ["--dry-run=-1", ["run", "--experiments", basic, "--dry-run=-1"], /--dry-run\b.*-1\b/],
  ["--dry-run abc", ["run", "--experiments", basic, "--dry-run", "abc"], /--dry-run\b.*abc/],
  ["--dry-run 1.5", ["run", "--experiments", basic, "--dry-run", "1.5"], /--dry-run\b.*1\.5/],
  ["--concurrency 0", ["run", "--experiments", basic, "--concurrency", "0"], /--concurrency\b.*\b0\b/],
  ["--concurrency two", ["run", "--experiments", basic, "--concurrency", "two"], /--concurrency\b.*two/],
  ["--example-concurrency 0", ["run", "--experiments", basic, "--example-concurrency", "0"], /--example-concurrency\b.*\b0\b/],
  ["--example-concurrency 2.5", ["run", "--experiments", basic, "--example-concurrency", "2.5"], /--example-concurrency\b.*2\.5/],
  ["--timeout -5", ["run", "--experiments", basic, "--timeout", "-5"], /-5\b/],
  ["--timeout soon", ["run", "--experiments", basic, "--timeout", "soon"], /--timeout\b.*soon/],
  ["--repetitions 0", ["run", "--experiments", basic, "--repetitions", "0"], /--repetitions\b.*\b0\b/],
  ["--backend bogus", ["run", "--experiments", basic, "--backend", "bogus"], /--backend\b.*bogus/],
  ["--metadata without =", ["run", "--experiments", basic, "--metadata", "novalue"], /--metadata\b.*novalue/],
  ["--phoenix-url not a URL", ["run", "--experiments", basic, "--phoenix-url", "not-a-url"], /--phoenix-url\b.*not-a-url/],
  ["an unknown flag", ["run", "--experiments", basic, "--bogus"], /--bogus/],
  ["an unknown --name", ["run", "--experiments", basic, "--name", "greet", "--name", "nope"], /nope.*\bgreet\b/],
  ["a missing experiments folder", ["run", "--experiments", "no-such-dir"], /no-such-dir/],
  ["no experiments in the folder", ["run", "--experiments", fixture("no-experiments")], /no experiments/i],
  ["no experiments folder given and none in the cwd", ["run"], /experiments/],
  ["a missing --config", ["run", "--experiments", basic, "--config", "nope.toml"], /--config\b.*nope\.toml/],
  ["an unknown command", ["bogus"], /bogus/],
  ["no command", [], /command/],
  ["an extra argument", ["run", "--experiments", basic, "extra"], /argument|extra/],
  ["list with an unknown --name", ["list", "--experiments", basic, "--name", "nope"], /nope.*\bgreet\b/],
  ["list with a missing folder", ["list", "--experiments", "no-such-dir"], /no-such-dir/],
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
    const flags = ["--experiments", "--name", "--dry-run", "--concurrency", "--example-concurrency", "--prefix", "--metadata", "--timeout", "--repetitions", "--backend", "--phoenix-url", "--config", "--quiet", "--verbose"];
    for (const flag of flags) expect(runHelp.stdout).toMatch(new RegExp(`${flag}\\b`));

    expect(version.code, describeRun(version)).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
    expect(runFolders(cwd)).toEqual([]);
  });
});
