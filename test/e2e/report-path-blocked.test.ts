// A [report] reporters path below a file stops `run` before any work (exit 2, see the bad-input
// corpus), but only the commands that write reports check it: list, validate and cache clear,
// which write none, still work with such an evalwire.toml.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFiles } from "../helpers/cli.js";
import { describeRun, evalwire, useTempDirs } from "./_support.js";
import { experiment } from "./bad-input/case.js";

const temp = useTempDirs();

describe("a report path below a file in evalwire.toml", () => {
  it("is refused by run, and leaves the commands that write no report alone", async () => {
    const cwd = temp();
    writeFiles(cwd, experiment("greet"));
    writeFileSync(join(cwd, "reports"), "not a folder\n");
    writeFileSync(join(cwd, "evalwire.toml"), '[report]\nreporters = ["json=reports/run.json"]\n');
    const run = await evalwire(["run"], cwd);
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toMatch(/^evalwire: evalwire\.toml: \[report\] reporters "json=reports\/run\.json": reports is a file, so no folder can hold reports\/run\.json; name another path\n$/);
    const list = await evalwire(["list"], cwd);
    expect(list.code, describeRun(list)).toBe(0);
    const clear = await evalwire(["cache", "clear"], cwd);
    expect(clear.code, describeRun(clear)).toBe(0);
  }, 60_000);
});
