import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFiles } from "../helpers/cli.js";
import { mountSmallDisk, nobody, rootSkipReason } from "../helpers/privileges.js";
import { describeRun, evalwire, fixture, readRun, runDirFor, runDirs, useTempDirs } from "./_support.js";

const temp = useTempDirs();

/** Every file below a folder, as paths relative to it. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

describe("a full disk", () => {
  const skip = rootSkipReason("the full-disk test mounts a 40 KB tmpfs");
  it.skipIf(skip !== null)("says how many results could not be recorded, and leaves no half line and no *.tmp file", async () => {
    const cwd = temp();
    const store = join(cwd, ".evalwire");
    mkdirSync(store);
    const unmount = mountSmallDisk(store, "40k");
    try {
      // 30 results of about 3 KB each: the disk fills part way through.
      const r = await evalwire(["run", "--experiments", fixture("disk-full")], cwd);
      expect(r.code, describeRun(r)).toBe(1);
      const [runDir] = runDirs(cwd);
      const lines = readFileSync(join(runDir!, "results.jsonl"), "utf8").split("\n");
      expect(lines.pop()).toBe("");
      const recorded = lines.map((line) => JSON.parse(line));
      expect(recorded.length).toBeGreaterThan(0);
      expect(recorded.length).toBeLessThan(30);
      expect(r.stdout).toContain(`✖ big: ${30 - recorded.length} of 30 results not recorded: ENOSPC: no space left on device`);
      expect(filesBelow(store).filter((file) => file.endsWith(".tmp"))).toEqual([]);
      // The summary still fits over the header, so run.json says how it ended.
      const run = JSON.parse(readFileSync(join(runDir!, "run.json"), "utf8"));
      expect(run).toMatchObject({ status: "failed", summary: { failure: expect.stringContaining(`${30 - recorded.length} of 30 results not recorded`) } });
    } finally {
      unmount();
    }
  });
});

describe("a disk too full even for the summary", () => {
  const skip = rootSkipReason("the full-disk test mounts a 40 KB tmpfs");
  it.skipIf(skip !== null)("still counts the results not recorded, and leaves run.json whole", async () => {
    const cwd = temp();
    const store = join(cwd, ".evalwire");
    mkdirSync(store);
    const unmount = mountSmallDisk(store, "40k");
    try {
      // A header of about 3.9 KB fills run.json's one 4 KB page, leaving no room for the summary's
      // 0.3 KB to be written over it. The experiment is copied out of the git checkout so that no
      // git metadata (of varying length) is recorded.
      cpSync(fixture("disk-full"), join(cwd, "experiments"), { recursive: true });
      const r = await evalwire(["run", "--metadata", `note=${"n".repeat(3400)}`], cwd);
      expect(r.code, describeRun(r)).toBe(1);
      const [runDir] = runDirs(cwd);
      // The premise: the header alone fits in one page.
      expect(statSync(join(runDir!, "run.json")).size).toBeLessThanOrEqual(4096);
      const recorded = readFileSync(join(runDir!, "results.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line));
      expect(r.stdout).toContain(`✖ big: cannot record the summary: ENOSPC: no space left on device, write (and ${30 - recorded.length} results were not recorded)`);
      expect(readRun(runDir!)).toMatchObject({ status: "running", metadata: { note: "n".repeat(3400) } });
      expect(filesBelow(store).filter((file) => file.endsWith(".tmp"))).toEqual([]);
    } finally {
      unmount();
    }
  });
});

describe("a disk full before the first result", () => {
  const skip = rootSkipReason("the full-disk test mounts a tmpfs");
  it.skipIf(skip !== null)("fails the experiment and leaves no empty run folder and no *.tmp file", async () => {
    const cwd = temp();
    const store = join(cwd, ".evalwire");
    mkdirSync(store);
    // Room for the runs folder and the run's folder, none for run.json.
    const unmount = mountSmallDisk(store, "40k", 3);
    try {
      const r = await evalwire(["run", "--experiments", fixture("basic")], cwd);
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stdout).toContain("✖ greet: cannot record results: ENOSPC: no space left on device");
      expect(readdirSync(join(store, "runs"))).toEqual([]);
    } finally {
      unmount();
    }
  });
});

describe("an experiment folder this user cannot read", () => {
  // Root reads every folder, so the CLI runs as nobody (uid 65534).
  const skip = rootSkipReason("the unreadable-folder test runs the CLI as another user");
  const setUp = () => {
    const cwd = temp();
    chmodSync(cwd, 0o777);
    cpSync(fixture("basic", "greet"), join(cwd, "experiments", "greet"), { recursive: true });
    cpSync(fixture("basic", "greet"), join(cwd, "experiments", "locked"), { recursive: true });
    chmodSync(join(cwd, "experiments", "locked"), 0o000);
    return cwd;
  };

  it.skipIf(skip !== null)("fails that experiment alone, naming the folder and the fix", async () => {
    const cwd = setUp();
    const r = await evalwire(["run"], cwd, {}, nobody);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("✖ locked: experiments/locked: cannot read the folder (permission denied); let this user read it (chmod a+rx)");
    expect(r.stdout).toMatch(/✔ greet +3 /);
    expect(
      readFileSync(join(runDirFor(cwd, "greet"), "results.jsonl"), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(3);
    expect(r.stderr).not.toContain("unexpected error");
  });

  it.skipIf(skip !== null)("an unreadable dataset or evalwire.toml inside a readable folder fails that experiment alone", async () => {
    const cwd = setUp();
    chmodSync(join(cwd, "experiments", "locked"), 0o755);
    cpSync(join(cwd, "experiments", "greet"), join(cwd, "experiments", "private"), { recursive: true });
    writeFiles(cwd, { "experiments/private/evalwire.toml": "repetitions = 2\n" });
    chmodSync(join(cwd, "experiments", "locked", "dataset.jsonl"), 0o000);
    chmodSync(join(cwd, "experiments", "private", "evalwire.toml"), 0o000);
    const r = await evalwire(["run"], cwd, {}, nobody);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("✖ locked: experiments/locked/dataset.jsonl: cannot read it (permission denied); let this user read it (chmod a+r)");
    expect(r.stdout).toContain("✖ private: experiments/private/evalwire.toml: cannot read it (permission denied); let this user read it (chmod a+r)");
    expect(r.stdout).toMatch(/✔ greet +3 /);
  });

  it.skipIf(skip !== null)("is a problem in list, the others still listed", async () => {
    const cwd = setUp();
    const r = await evalwire(["list"], cwd, {}, nobody);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("✖ locked\n  experiments/locked: cannot read the folder (permission denied)");
    expect(r.stdout).toContain("✔ greet");
  });
});

describe("a file or folder where the other is expected: one line naming the path and the fix", () => {
  const withGreet = () => {
    const cwd = temp();
    cpSync(fixture("basic", "greet"), join(cwd, "experiments", "greet"), { recursive: true });
    return cwd;
  };
  const oneLine = (stderr: string) => stderr.trim().split("\n");

  it("a runs folder that is a file: exit 2 before any work", async () => {
    const cwd = withGreet();
    writeFiles(cwd, { ".evalwire/runs": "" });
    const r = await evalwire(["run"], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(oneLine(r.stderr)).toEqual(["evalwire: .evalwire/runs is a file, not a folder for runs: move it away, or set [local] runs_dir in evalwire.toml to a folder"]);
    expect(r.stdout).toBe("");
  });

  it("a runs_dir below a file: names the file in the way", async () => {
    const cwd = withGreet();
    writeFiles(cwd, { "evalwire.toml": '[local]\nruns_dir = "out/runs"\n', out: "" });
    const r = await evalwire(["run"], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(oneLine(r.stderr)).toEqual(["evalwire: out is a file, not a folder for runs: move it away, or set [local] runs_dir in evalwire.toml to a folder"]);
  });

  it("a [local] datasets_dir that is a file: exit 2", async () => {
    const cwd = withGreet();
    writeFiles(cwd, { "evalwire.toml": '[local]\ndatasets_dir = "data.jsonl"\n', "data.jsonl": "" });
    const r = await evalwire(["run"], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(oneLine(r.stderr)).toEqual(["evalwire: [local] datasets_dir: data.jsonl is a file, not a folder of datasets; point it at a folder"]);
  });

  it("a dataset path that is a folder fails that experiment (exit 1), the others still run", async () => {
    const cwd = withGreet();
    cpSync(fixture("basic", "greet"), join(cwd, "experiments", "other"), { recursive: true });
    rmSync(join(cwd, "experiments", "other", "dataset.jsonl"));
    mkdirSync(join(cwd, "experiments", "other", "dataset.jsonl"));
    const r = await evalwire(["run"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("✖ other: experiments/other/dataset.jsonl is a folder, not a dataset file: move it away and put the examples in a file of that name");
    expect(r.stdout).toMatch(/✔ greet +3 /);
  });

  it("init where experiments is a file: exit 2, and nothing written", async () => {
    const cwd = temp();
    writeFiles(cwd, { experiments: "notes\n" });
    const r = await evalwire(["init"], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(oneLine(r.stderr)).toEqual(["evalwire: experiments is a file, not a folder for experiments: move it away, or pass --experiments DIR"]);
    expect(readdirSync(cwd)).toEqual(["experiments"]);
  });
});

describe("dataset.json is strict JSON", () => {
  const cases: [string, string, string][] = [
    ["a comment", '[\n  // the first one\n  {"id": "a", "input": {"name": "x"}}\n]\n', "experiments/greet/dataset.json:2:3: not valid JSON: a comment"],
    ["a trailing comma", '[\n  {"id": "a", "input": {"name": "x"}},\n]\n', "experiments/greet/dataset.json:3:1: not valid JSON: a trailing comma"],
  ];
  for (const [what, text, message] of cases) {
    it(`${what} fails the experiment, naming the line`, async () => {
      const cwd = temp();
      cpSync(fixture("basic", "greet"), join(cwd, "experiments", "greet"), { recursive: true });
      rmSync(join(cwd, "experiments", "greet", "dataset.jsonl"));
      writeFiles(cwd, { "experiments/greet/dataset.json": text });
      const r = await evalwire(["run"], cwd);
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stdout).toContain(`✖ greet: ${message}`);
      expect(r.stdout).toContain("name it .yaml to allow comments and trailing commas");
    });
  }

  it("the same records as YAML still load", async () => {
    const cwd = temp();
    cpSync(fixture("basic", "greet"), join(cwd, "experiments", "greet"), { recursive: true });
    rmSync(join(cwd, "experiments", "greet", "dataset.jsonl"));
    writeFiles(cwd, { "experiments/greet/dataset.yaml": '[\n  # the first one\n  {"id": "a", "input": {"name": "x"}},\n]\n' });
    const r = await evalwire(["run"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
  });
});
