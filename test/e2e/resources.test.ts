import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mountSmallDisk, nobody, rootSkipReason } from "../helpers/privileges.js";
import { describeRun, evalwire, fixture, runDirFor, runDirs, useTempDirs } from "./_support.js";

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
      expect(r.stdout).toContain(`✖ big: ${30 - recorded.length} results not recorded: ENOSPC: no space left on device`);
      expect(filesBelow(store).filter((file) => file.endsWith(".tmp"))).toEqual([]);
      // The summary still fits over the header, so run.json says how it ended.
      const run = JSON.parse(readFileSync(join(runDir!, "run.json"), "utf8"));
      expect(run).toMatchObject({ status: "failed", summary: { failure: expect.stringContaining(`${30 - recorded.length} results not recorded`) } });
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
    expect(readFileSync(join(runDirFor(cwd, "greet"), "results.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
    expect(r.stderr).not.toContain("unexpected error");
  });

  it.skipIf(skip !== null)("is a problem in list, the others still listed", async () => {
    const cwd = setUp();
    const r = await evalwire(["list"], cwd, {}, nobody);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("✖ locked\n  experiments/locked: cannot read the folder (permission denied)");
    expect(r.stdout).toContain("✔ greet");
  });
});
