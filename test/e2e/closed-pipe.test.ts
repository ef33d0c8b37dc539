import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixtures, tempDir } from "../helpers/cli.js";

const temp = tempDir();
afterAll(() => temp.remove());

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
