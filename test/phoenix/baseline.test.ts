// --baseline with a Phoenix experiment id reads the baseline's runs and evaluations back from the
// server (the local run store is gone), and judges regressions against them.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeRun, echoRows, evalwire, makeExperiments, phoenixLink, readRun, runDirFor, uniqueName, uploadDataset, useTempDirs } from "./_support.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();

describePhoenix("a Phoenix experiment as the baseline", () => {
  it("compares with the runs the server holds and fails on a regression", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("baseline");
    await uploadDataset(url, dataset, echoRows(5));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);
    const first = await evalwire(["run", "--experiments", experiments, "--prefix", "before"], cwd, url);
    expect(first.code, describeRun(first)).toBe(0);
    const firstDir = runDirFor(cwd, dataset, "before");
    const { experimentId } = phoenixLink(firstDir);
    const firstName = readRun(firstDir).name as string;
    // Only the server has the baseline now.
    rmSync(join(cwd, ".evalwire"), { recursive: true });

    // The task now gets example n = 1 wrong: `doubled` regresses there.
    writeFileSync(join(experiments, dataset, "task.ts"), "export async function task(example: any) { const n = example.input.n; return { answer: n === 1 ? -5 : n * 2 }; }\n");
    const second = await evalwire(["run", "--experiments", experiments, "--prefix", "after", "--baseline", experimentId, "--max-regressions", "0"], cwd, url);
    expect(second.code, describeRun(second)).toBe(1);
    expect(second.stdout).toMatch(new RegExp(`${dataset} vs ${firstName}: 1 regressed: \\S+; 0 fixed, 0 new, 0 missing`));
    expect(second.stdout).toMatch(/doubled 0\.80 \(−0\.20\)/);
    expect(second.stdout).toContain(`✖ ${dataset}: regressions 1 > 0\n`);
    const summary = readRun(runDirFor(cwd, dataset, "after")).summary;
    expect(summary.judgement.baseline).toMatchObject({ ref: experimentId, name: firstName, regressed: 1, fixed: 0, new: 0, missing: 0 });
    expect(summary.judgement.baseline.location).toContain(`experimentId=${encodeURIComponent(experimentId)}`);
  });
});
