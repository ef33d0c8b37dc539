import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixtures, readResults, runCli, runFolders, tempDir } from "../helpers/cli.js";

const temp = tempDir();
afterAll(() => temp.remove());

describe("errors that escape a task", () => {
  it("are reported, do not end the run, and fail it", async () => {
    const result = await runCli(["run", "--experiments", join(fixtures, "task-escapes")], { cwd: temp.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("a task or evaluator let an error escape (not awaited, or thrown in a callback): forgotten promise");
    expect(result.stderr).toContain("thrown in a callback");
    const [folder] = runFolders(temp.dir);
    const results = readResults(join(temp.dir, ".evalwire", "runs", folder!));
    expect(results.map((r) => r.exampleId).sort()).toEqual(["a", "b", "c"]);
  });
});

describe("a reader that closes the pipe early (evalwire run | head -1)", () => {
  it("is not blamed on user code and does not fail the run", async () => {
    const { startCli, collect } = await import("../helpers/cli.js");
    const child = startCli(["run", "--experiments", join(fixtures, "slow-progress"), "--dry-run", "10"], { cwd: temp.dir });
    child.stdout!.once("data", () => child.stdout!.destroy());
    const result = await collect(child);
    expect(result.stderr).not.toContain("escape");
    expect(result.stderr).not.toContain("EPIPE");
    expect(result.code).toBe(0);
  });
});
