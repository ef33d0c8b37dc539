// A checkpoint.json damaged inside (`sums: [null]`) is ignored whole: found by a fresh-eyes review,
// where restoring it threw half way (a resume that died, or counted every line twice).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, startCli } from "../helpers/cli.js";
import { describeRun, evalwire, fixture, readRun, recordedLines, runDirs, useTempDirs, waitFor } from "./_support.js";

const temp = useTempDirs();

describe("a damaged checkpoint", () => {
  it("is ignored whole: the resumed run's summary counts each recorded call once", async () => {
    const cwd = temp();
    const args = ["run", "--experiments", fixture("checkpoint-damaged"), "--example-concurrency", "2"];
    const child = startCli(args, { cwd });
    const done = collect(child);
    await waitFor(() => recordedLines(cwd) >= 4, 30_000, "four results in results.jsonl");
    child.kill("SIGINT");
    const stopped = await done;
    expect(stopped.code, describeRun(stopped)).toBe(130);
    const [dir] = runDirs(cwd);
    const file = join(dir!, "checkpoint.json");
    const checkpoint = JSON.parse(readFileSync(file, "utf8"));
    checkpoint.state.tally.sums = [null];
    writeFileSync(file, JSON.stringify(checkpoint));

    const r = await evalwire([...args, "--resume"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(readRun(dir!).summary).toMatchObject({ planned: 40, completed: 40, taskErrors: 0, evaluatorErrors: 0, evaluators: { positive: { mean: 1, scored: 40 } } });
  });
});
