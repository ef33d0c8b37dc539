import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveSettings } from "../../src/config/settings.js";
import { discoverExperiments, selectExperiments } from "../../src/discovery/discover.js";
import { UsageError } from "../../src/errors.js";
import { fixtures, tempDir } from "../helpers/cli.js";
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
