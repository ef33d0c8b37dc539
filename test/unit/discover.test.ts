import { mkdirSync, symlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveSettings } from "../../src/config/settings.js";
import { discoverExperiments, selectExperiments } from "../../src/discovery/discover.js";
import { UsageError } from "../../src/errors.js";
import { fixtures, tempDir, writeFiles } from "../helpers/cli.js";
import { thrownMessage } from "../helpers/errors.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

function emptyDir(): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  return dir;
}

// `run` and `list` both resolve the folder with resolveSettings, then call these two before any work.
describe("discoverExperiments and selectExperiments: usage errors", () => {
  it("names a missing experiments folder", () => {
    expect(thrownMessage(() => discoverExperiments(join(emptyDir(), "no-such-dir")), UsageError)).toMatch(/no-such-dir/);
  });

  it("says there are no experiments in a folder without task files", () => {
    expect(thrownMessage(() => discoverExperiments(join(fixtures, "no-experiments")), UsageError)).toMatch(/no experiments/i);
  });

  it("names ./experiments when no folder is given and the working directory has none", () => {
    const { experimentsDir } = resolveSettings({}, {}, emptyDir());
    expect(thrownMessage(() => discoverExperiments(experimentsDir), UsageError)).toMatch(/not found: .*experiments\b/);
  });

  it("names an unknown --name and lists the known experiments", () => {
    const folders = discoverExperiments(join(fixtures, "basic"));
    expect(thrownMessage(() => selectExperiments(folders, ["greet", "nope"]), UsageError)).toMatch(/nope.*\bgreet\b/);
    expect(thrownMessage(() => selectExperiments(folders, ["nope"]), UsageError)).toMatch(/nope.*\bgreet\b/);
    expect(selectExperiments(folders, ["greet"]).map((folder) => folder.name)).toEqual(["greet"]);
  });
});

describe("discoverExperiments: evaluator files", () => {
  it("takes the code files beside the task, and not the task, helpers, tests, declarations, hidden files or folders", () => {
    const dir = emptyDir();
    const names = ["task.ts", "a.ts", "b.mts", "c.js", "d.mjs", "e.tsx", "f.cts", "g.json", "task.helper.ts", "_utils.ts", ".hidden.ts", "x.test.ts", "y.spec.mjs"];
    writeFiles(join(dir, "exp"), Object.fromEntries([...names, "types.d.ts", "types.d.mts", "x.tests.ts", "test.ts", "z.TS"].map((name) => [name, ""])));
    mkdirSync(join(dir, "exp", "folder.ts"));
    symlinkSync(join(dir, "exp", "a.ts"), join(dir, "exp", "linked.ts"));
    symlinkSync(join(dir, "exp", "missing.ts"), join(dir, "exp", "broken.ts"));
    const [folder] = discoverExperiments(dir);
    expect(folder!.evaluatorFiles.map((file) => basename(file))).toEqual(["a.ts", "b.mts", "c.js", "d.mjs", "linked.ts", "test.ts", "x.tests.ts"]);
  });
});
