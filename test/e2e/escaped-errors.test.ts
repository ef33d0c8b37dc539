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
