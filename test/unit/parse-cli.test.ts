import { describe, expect, it } from "vitest";
import { parseCli } from "../../src/cli/parse.js";
import { UsageError } from "../../src/errors.js";
import { thrownMessage } from "../helpers/errors.js";


describe("parseCli", () => {
  it("parses every run flag into typed values", () => {
    const parsed = parseCli([
      "run", "--experiments", "exp", "--name", "a", "--name", "b", "--dry-run", "3", "--concurrency", "2",
      "--example-concurrency", "5", "--prefix", "ci", "--metadata", "k=v", "--metadata", "url=a=b", "--timeout", "0",
      "--repetitions", "4", "--backend", "local", "--phoenix-url", "http://x:6006", "--config", "c.toml", "--quiet", "--verbose",
    ]);
    expect(parsed).toEqual({
      command: "run",
      flags: {
        experiments: "exp", name: ["a", "b"], dryRun: 3, concurrency: 2, exampleConcurrency: 5, prefix: "ci",
        metadata: { k: "v", url: "a=b" }, timeout: 0, repetitions: 4, backend: "local", phoenixUrl: "http://x:6006",
        config: "c.toml", quiet: true, verbose: true,
      },
    });
  });

  it("takes a bare --dry-run as true", () => {
    expect(parseCli(["run", "--dry-run"])).toEqual({ command: "run", flags: { dryRun: true } });
  });

  it.each([
    [["run", "--dry-run", "0"], /--dry-run takes a whole number from 1 up \(got "0"\)/],
    [["run", "--dry-run=-1"], /--dry-run takes a whole number from 1 up \(got "-1"\)/],
    [["run", "--dry-run", "1.5"], /--dry-run takes a whole number/],
    [["run", "--concurrency", "0"], /--concurrency takes a whole number from 1 up/],
    [["run", "--example-concurrency", "x"], /--example-concurrency takes a whole number/],
    [["run", "--timeout", "-5"], /--timeout takes a whole number from 0 to 2147483647/],
    [["run", "--repetitions", "0"], /--repetitions takes a whole number from 1 up/],
    [["run", "--metadata", " =v"], /--metadata takes KEY=VALUE \(got " =v"\)/],
    [["run", "--metadata", "novalue"], /--metadata takes KEY=VALUE \(got "novalue"\)/],
    [["run", "--prefix", "../up"], /--prefix must not contain \/ or \\ \(it becomes part of a folder name\) \(got "..\/up"\)/],
    [["run", "--backend", "s3"], /--backend takes local or phoenix \(got "s3"\)/],
    [["run", "--bogus"], /unknown option '--bogus'/],
    [["run", "extra"], /too many arguments/],
    [["nope"], /unknown command 'nope'/],
    [[], /no command given/],
  ])("rejects %j", (argv, message) => {
    expect(thrownMessage(() => parseCli(argv), UsageError)).toMatch(message);
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
