import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cli.js";
import { copyFixture, describeRun, evalwire, fixture, readResults, readRun, resultsById, runDirFor, runFolders, useTempDirs } from "./_support.js";

const temp = useTempDirs();

/** [what, config file, the message must match]: exit 2, one line naming the file and the key or line. */
const configErrors: [string, string, RegExp][] = [
  ["an unknown key", "unknown-key.toml", /unknown-key\.toml\b.*\bconcurency\b/],
  ["an unknown section", "unknown-section.toml", /unknown-section\.toml\b.*\bexperimentz\b/],
  ["a wrong type", "wrong-type.toml", /wrong-type\.toml\b.*\btimeout\b/],
  ["bad TOML syntax, with its line", "bad-syntax.toml", /bad-syntax\.toml\b.*(:3\b|line 3\b)/],
  ["[experiments] dir naming a missing folder", "missing-dir.toml", /no-such-folder/],
];

describe("evalwire.toml errors exit 2 with one line naming the file and key", () => {
  it.concurrent.for(configErrors)("--config with %s", async ([, file, message], { expect }) => {
    const { dir: cwd, remove } = tempDir();
    try {
      const r = await evalwire(["run", "--config", fixture("config-errors", file)], cwd);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(cwd, ".evalwire"))).toBe(false);
    } finally {
      remove();
    }
  });

  it("./evalwire.toml is read without --config, and its errors are reported the same way", async () => {
    const cwd = temp();
    copyFileSync(fixture("config-errors", "unknown-key.toml"), join(cwd, "evalwire.toml"));
    const r = await evalwire(["run", "--experiments", fixture("basic")], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/evalwire\.toml\b.*\bconcurency\b/);
    expect(runFolders(cwd)).toEqual([]);
  });

  it("an experiment folder's evalwire.toml with an unknown key stops the whole run before any work", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("bad-experiment-config")], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/wrong[\\/]evalwire\.toml\b.*\brepetition\b/);
    // the good experiment beside it did not run either
    expect(existsSync(join(cwd, ".evalwire"))).toBe(false);
  });

  it("an experiment folder's evalwire.toml with a bad value names the key", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("bad-experiment-type")], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/exp[\\/]evalwire\.toml\b.*\brepetitions\b/);
    expect(existsSync(join(cwd, ".evalwire"))).toBe(false);
  });
});

/** A root evalwire.toml for the precedence tests: every value here must lose to the folder's file or to a flag. */
const rootConfig = `
[experiments]
prefix = "cfg"
repetitions = 3
timeout = 5000

[experiments.metadata]
team = "from-config"
region = "eu"
owner = "config-owner"
`;

describe("settings precedence: flag > experiment folder's evalwire.toml > evalwire.toml > default", () => {
  it("an experiment folder's evalwire.toml renames the dataset and sets repetitions, timeout and metadata over the root file", async () => {
    const cwd = temp();
    writeFileSync(join(cwd, "evalwire.toml"), rootConfig);
    const r = await evalwire(["run", "--experiments", fixture("per-experiment-config")], cwd);
    expect(r.code, describeRun(r)).toBe(1);

    expect(runFolders(cwd).every((name) => name.startsWith("cfg_"))).toBe(true);
    // `dataset = "other_name"` names the recorded run
    const renamed = runDirFor(cwd, "other_name", "cfg");
    const results = readResults(renamed);
    expect(results.map((x) => `${x.exampleId}#${x.repetition}`).sort()).toEqual(["p#1", "p#2", "q#1", "q#2"]);
    for (const result of results) expect(result.output.repetition).toBe(result.repetition);
    expect(readRun(renamed).metadata).toMatchObject({ dataset: "other_name", owner: "team-a", tier: 3, team: "from-config", region: "eu" });

    // no folder file: the root file's repetitions apply
    expect(readResults(runDirFor(cwd, "plain", "cfg"))).toHaveLength(3);

    const slow = resultsById(runDirFor(cwd, "slow", "cfg"));
    expect(slow.quick).toMatchObject({ status: "ok", output: { quick: true } });
    expect(slow.hang).toMatchObject({ status: "timeout", output: null });
    // the folder's timeout (150 ms), not the root file's 5 s
    expect(slow.hang.error).toMatch(/150 ms/);
    expect(slow.hang.durationMs).toBeLessThan(2000);
  });

  it("flags win over both files; --metadata wins over every other metadata", async () => {
    const cwd = temp();
    writeFileSync(join(cwd, "evalwire.toml"), rootConfig);
    const r = await evalwire(
      [
        "run",
        "--experiments",
        fixture("per-experiment-config"),
        "--prefix",
        "cli",
        "--repetitions",
        "1",
        "--timeout",
        "300",
        "--metadata",
        "owner=cli",
        "--metadata",
        "team=search",
        "--metadata",
        "run_by=ci-bot",
        "--metadata",
        "expr=a=b",
      ],
      cwd,
    );
    expect(r.code, describeRun(r)).toBe(1);
    expect(runFolders(cwd).every((name) => name.startsWith("cli_"))).toBe(true);

    const renamed = runDirFor(cwd, "other_name", "cli");
    expect(
      readResults(renamed)
        .map((x) => `${x.exampleId}#${x.repetition}`)
        .sort(),
    ).toEqual(["p#1", "q#1"]);
    expect(readRun(renamed).metadata).toMatchObject({
      dataset: "other_name",
      owner: "cli",
      team: "search",
      region: "eu",
      tier: 3,
      run_by: "ci-bot",
      expr: "a=b",
    });
    const slowDir = runDirFor(cwd, "slow", "cli");
    expect(readRun(slowDir).metadata).toMatchObject({ owner: "cli", team: "search", region: "eu" });
    expect(readRun(slowDir).metadata).not.toHaveProperty("tier");
    expect(resultsById(slowDir).hang).toMatchObject({ status: "timeout" });
    expect(resultsById(slowDir).hang.error).toMatch(/300 ms/);
    expect(readResults(runDirFor(cwd, "plain", "cli"))).toHaveLength(1);
  });
});

describe("[local] datasets_dir and paths in evalwire.toml", () => {
  it("finds <datasets_dir>/<name>.<ext> when the folder has no dataset file; the folder's own file wins", async () => {
    const project = copyFixture("datasets-dir", join(temp(), "project"));
    const r = await evalwire(["run"], project);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/3 experiments passed/);

    const fromDir = resultsById(runDirFor(project, "from_dir", "ds"));
    expect(Object.keys(fromDir).sort()).toEqual(["d1", "d2"]);
    expect(fromDir.d1.output).toEqual({ where: "datasets_dir" });

    const localWins = readResults(runDirFor(project, "local_wins", "ds"));
    expect(localWins.map((x) => x.exampleId)).toEqual(["l1"]);
    expect(localWins[0].output).toEqual({ where: "experiment folder" });

    // `dataset = "shared_cases"` in the folder's evalwire.toml: found as data/shared_cases.yaml
    const shared = readResults(runDirFor(project, "shared_cases", "ds"));
    expect(shared.map((x) => x.exampleId)).toEqual(["s1"]);
    expect(shared[0].output).toEqual({ where: "shared yaml" });
  });

  it("--config elsewhere: paths in the file resolve against its folder, and the run store is in the working directory", async () => {
    const base = temp();
    const project = copyFixture("datasets-dir", join(base, "project"));
    const work = join(base, "work");
    mkdirSync(work);
    const r = await evalwire(["run", "--config", "../project/evalwire.toml", "--name", "from_dir"], work);
    expect(r.code, describeRun(r)).toBe(0);
    // dir = "experiments" and datasets_dir = "data" resolved against project/, not work/
    expect(existsSync(join(project, ".evalwire")), "the run store was written beside the config file, not in the working directory").toBe(false);
    const fromDir = resultsById(runDirFor(work, "from_dir", "ds"));
    expect(Object.keys(fromDir).sort()).toEqual(["d1", "d2"]);
  });

  it("[dataset] input_keys, output_keys and delimiter map CSV columns", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--config", fixture("csv-keys", "evalwire.toml"), "--dry-run", "2"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    const outputs = r.stdout
      .split("\n")
      .filter((line) => line.trim().startsWith("output: "))
      .map((line) => JSON.parse(line.trim().slice("output: ".length)));
    expect(outputs).toHaveLength(2);
    const k1 = outputs.find((o) => o.input.question === "reset password?");
    expect(k1).toBeDefined();
    // input_keys: both columns in input; ";" (the delimiter) splits a cell into a list
    expect(k1.input).toEqual({ question: "reset password?", context: ["account", "login"] });
    expect(k1.expected).toEqual({ answer: "use the link" });
    // "|" is not the delimiter here: the cell stays a string
    expect(k1.metadata).toMatchObject({ priority: "high|urgent" });
    const k2 = outputs.find((o) => o.input.question === "refund?");
    expect(k2.input).toEqual({ question: "refund?", context: "billing" });
    expect(k2.expected).toEqual({ answer: "within 30 days" });
    expect(existsSync(join(cwd, ".evalwire"))).toBe(false);
    expect(existsSync(fixture("csv-keys", ".evalwire"))).toBe(false);
  });
});
