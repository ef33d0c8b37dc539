import { describe, expect, it } from "vitest";
import { parseCli } from "../../src/cli/parse.js";
import { UsageError } from "../../src/errors.js";

/** The UsageError parseCli throws for `argv`, after checking what the CLI makes of it: exit 2, one line. */
function usageError(argv: string[]): string {
  let error: unknown;
  try {
    parseCli(argv);
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(UsageError);
  const { message, exitCode } = error as UsageError;
  expect(exitCode).toBe(2);
  expect(message.split("\n"), message).toHaveLength(1);
  return message;
}

describe("parseCli", () => {
  it("parses every run flag into typed values", () => {
    const parsed = parseCli([
      "run",
      "--experiments",
      "exp",
      "--name",
      "a",
      "--name",
      "b",
      "--dry-run",
      "3",
      "--concurrency",
      "2",
      "--example-concurrency",
      "5",
      "--prefix",
      "ci",
      "--metadata",
      "k=v",
      "--metadata",
      "url=a=b",
      "--timeout",
      "0",
      "--repetitions",
      "4",
      "--backend",
      "local",
      "--phoenix-url",
      "http://x:6006",
      "--config",
      "c.toml",
      "--quiet",
      "--verbose",
    ]);
    expect(parsed).toEqual({
      command: "run",
      flags: {
        experiments: "exp",
        name: ["a", "b"],
        dryRun: 3,
        concurrency: 2,
        exampleConcurrency: 5,
        prefix: "ci",
        metadata: { k: "v", url: "a=b" },
        timeout: 0,
        repetitions: 4,
        backend: "local",
        phoenixUrl: "http://x:6006",
        config: "c.toml",
        quiet: true,
        verbose: true,
      },
    });
  });

  it("takes a bare --dry-run as true", () => {
    expect(parseCli(["run", "--dry-run"])).toEqual({ command: "run", flags: { dryRun: true } });
    expect(parseCli(["run", "--no-traces"])).toEqual({ command: "run", flags: { traces: false } });
  });

  it.each([
    [["run", "--dry-run", "0"], /--dry-run takes a whole number from 1 up \(got "0"\)/],
    [["run", "--dry-run=-1"], /--dry-run takes a whole number from 1 up \(got "-1"\)/],
    [["run", "--dry-run", "1.5"], /--dry-run takes a whole number/],
    [["run", "--concurrency", "0"], /--concurrency takes a whole number from 1 up/],
    [["run", "--example-concurrency", "x"], /--example-concurrency takes a whole number/],
    [["run", "--timeout", "-5"], /--timeout takes a whole number from 0 to 2147483647/],
    [["run", "--timeout", "2147483648"], /^--timeout takes a whole number from 0 to 2147483647 \(got "2147483648"\)$/],
    [["run", "--repetitions", "0"], /--repetitions takes a whole number from 1 up/],
    [["run", "--metadata", " =v"], /--metadata takes KEY=VALUE \(got " =v"\)/],
    [["run", "--metadata", "novalue"], /--metadata takes KEY=VALUE \(got "novalue"\)/],
    [["run", "--prefix", ""], /^--prefix must not be empty \(it becomes part of a folder name\) \(got ""\)$/],
    [["run", "--prefix", "../up"], /--prefix must not contain \/ or \\ \(it becomes part of a folder name\) \(got "..\/up"\)/],
    [["run", "--backend", "s3"], /--backend takes local or phoenix \(got "s3"\)/],
    [["run", "--bogus"], /unknown option '--bogus'/],
    [["run", "extra"], /too many arguments/],
    [["nope"], /unknown command 'nope'/],
    // Commander's suggestion comes on a line of its own: it is kept on the one line.
    [["runn"], /^unknown command 'runn' \(Did you mean run\?\) \(see evalwire --help\)$/],
    [["run", "--nmae", "x"], /^unknown option '--nmae' \(Did you mean --name\?\) \(see evalwire run --help\)$/],
    [[], /no command given/],
  ])("rejects %j", (argv, message) => {
    expect(usageError(argv)).toMatch(message);
  });

  // Each of these once spawned the CLI (test/e2e/errors.test.ts); parseCli does no work, so "nothing
  // is written before the error" holds by construction, and the end-to-end tests keep three of them to
  // show the line and the exit code reaching the terminal.
  const experiments = ["--experiments", "experiments"];
  it.each<[string, string[], RegExp]>([
    ["--dry-run 0", ["run", ...experiments, "--dry-run", "0"], /--dry-run\b.*\b0\b/],
    ["--dry-run -1", ["run", ...experiments, "--dry-run", "-1"], /-1\b/],
    ["--dry-run=-1", ["run", ...experiments, "--dry-run=-1"], /--dry-run\b.*-1\b/],
    ["--dry-run abc", ["run", ...experiments, "--dry-run", "abc"], /--dry-run\b.*abc/],
    ["--dry-run 1.5", ["run", ...experiments, "--dry-run", "1.5"], /--dry-run\b.*1\.5/],
    ["--concurrency 0", ["run", ...experiments, "--concurrency", "0"], /--concurrency\b.*\b0\b/],
    ["--concurrency two", ["run", ...experiments, "--concurrency", "two"], /--concurrency\b.*two/],
    ["--example-concurrency 0", ["run", ...experiments, "--example-concurrency", "0"], /--example-concurrency\b.*\b0\b/],
    ["--example-concurrency 2.5", ["run", ...experiments, "--example-concurrency", "2.5"], /--example-concurrency\b.*2\.5/],
    ["--timeout -5", ["run", ...experiments, "--timeout", "-5"], /-5\b/],
    ["--timeout soon", ["run", ...experiments, "--timeout", "soon"], /--timeout\b.*soon/],
    ["--repetitions 0", ["run", ...experiments, "--repetitions", "0"], /--repetitions\b.*\b0\b/],
    ["--backend bogus", ["run", ...experiments, "--backend", "bogus"], /--backend\b.*bogus/],
    ["--metadata without =", ["run", ...experiments, "--metadata", "novalue"], /--metadata\b.*novalue/],
    ["an unknown flag", ["run", ...experiments, "--bogus"], /--bogus/],
    ["an unknown command", ["bogus"], /bogus/],
    ["no command", [], /command/],
    ["an extra argument", ["run", ...experiments, "extra"], /argument|extra/],
  ])("rejects %s: exit 2, one line naming the culprit", (_what, argv, message) => {
    expect(usageError(argv)).toMatch(message);
  });

  it("returns help and version text without printing", () => {
    const help = parseCli(["--help"]);
    expect(help).toMatchObject({ command: "print" });
    expect((help as { text: string }).text).toContain("run");
    const runHelp = parseCli(["run", "--help"]);
    expect((runHelp as { text: string }).text).toContain("--example-concurrency <n>");
    expect((parseCli(["--version"]) as { text: string }).text).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("parses list and init", () => {
    expect(parseCli(["list", "--experiments", "e", "--name", "x"])).toEqual({ command: "list", flags: { experiments: "e", name: ["x"] } });
    expect(parseCli(["init", "--experiments", "evals"])).toEqual({ command: "init", flags: { experiments: "evals" } });
  });
});

describe("parseCli: judging, reports, export, compare, report", () => {
  it("parses the run's judging and reporter flags", () => {
    expect(
      parseCli([
        "run",
        "--threshold",
        "top_k=0.8",
        "--threshold",
        "exact=1",
        "--max-errors",
        "2%",
        "--baseline",
        "--max-mean-drop",
        "0.02",
        "--max-regressions",
        "0",
        "--reporter",
        "junit=j.xml",
        "--reporter",
        "github",
      ]),
    ).toEqual({
      command: "run",
      flags: { threshold: { top_k: 0.8, exact: 1 }, maxErrors: { percent: 2 }, baseline: true, maxMeanDrop: 0.02, maxRegressions: 0, reporter: ["junit=j.xml", "github"] },
    });
    expect(parseCli(["run", "--baseline", "eval_search_1"])).toEqual({ command: "run", flags: { baseline: "eval_search_1" } });
    expect(usageError(["run", "--max-mean-drop", "-1"])).toMatch(/--max-mean-drop takes a number from 0 up/);
    expect(usageError(["run", "--max-regressions", "x"])).toMatch(/--max-regressions takes a whole number from 0 up/);
  });

  it("parses export, compare and report", () => {
    expect(parseCli(["export", "eval_a", "--format", "json", "--output", "a.json"])).toEqual({ command: "export", run: "eval_a", flags: { format: "json", output: "a.json" } });
    expect(parseCli(["export", "--experiment", "RXhw"])).toEqual({ command: "export", run: undefined, flags: { experiment: "RXhw" } });
    expect(parseCli(["compare", "a", "b", "--backend", "phoenix"])).toEqual({ command: "compare", a: "a", b: "b", flags: { backend: "phoenix" } });
    expect(parseCli(["report", "eval_a", "--output", "r.md"])).toEqual({ command: "report", run: "eval_a", flags: { output: "r.md" } });
    expect(usageError(["compare", "a"])).toBe("missing required argument 'b'; usage: evalwire compare [options] <a> <b> (see evalwire compare --help)");
    expect(usageError(["cache"])).toBe("missing required argument 'action'; usage: evalwire cache [options] <action> (see evalwire cache --help)");
  });
});
