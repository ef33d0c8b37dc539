// The README's "Use it in CI" recipe, played through: main's run, a pull request that lowers a
// score (red), and the fix (green). Each pull-request job starts from main's run store, as the
// recipe's cache restore gives it.
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseJunit } from "junit2json";
import { expect, it } from "vitest";
import { writeFiles } from "../helpers/cli.js";
import { copyFixture, describeRun, evalwire, runFolders, useTempDirs } from "./_support.js";

const temp = useTempDirs();

const recipeToml = `[thresholds]
max_errors = 0
correct = { mean = 0.75, pass_rate = 0.75 }

[baseline]
max_mean_drop = 0.02
max_regressions = 0

[report]
reporters = ["junit=reports/junit.xml", "json=reports/evalwire.json", "html=reports/index.html"]
`;

it("a lowered score turns the pull request red with annotations and a step summary; the fix turns it green", async () => {
  const cwd = temp();
  const experiments = copyFixture("judged", join(cwd, "experiments"));
  writeFiles(cwd, { "evalwire.toml": recipeToml });
  const dataset = join(experiments, "doubling", "dataset.jsonl");
  const good = readFileSync(dataset, "utf8");
  const github = (summary: string) => ({ GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary, CI: "true" });

  // The push to main: no baseline, every gate passes; its run store is what the cache keeps.
  const main = await evalwire(["run", "--prefix", "main"], cwd, github(join(cwd, "main-summary.md")));
  expect(main.code, describeRun(main)).toBe(0);
  const mainStore = join(temp(), "runs");
  cpSync(join(cwd, ".evalwire", "runs"), mainStore, { recursive: true });
  const pullRequestJob = () => {
    rmSync(join(cwd, ".evalwire"), { recursive: true, force: true });
    rmSync(join(cwd, "reports"), { recursive: true, force: true });
    cpSync(mainStore, join(cwd, ".evalwire", "runs"), { recursive: true });
  };

  // A pull request that breaks example q2.
  pullRequestJob();
  writeFileSync(dataset, good.replace('"output": {"answer": 4}', '"output": {"answer": -4}'));
  const redSummary = join(cwd, "red-summary.md");
  const red = await evalwire(["run", "--prefix", "pr", "--baseline", "latest"], cwd, github(redSummary));
  expect(red.code, describeRun(red)).toBe(1);
  expect(red.stdout).toContain("::error title=evalwire%3A doubling::correct mean drop 0.25 > 0.02\n");
  expect(red.stdout).toContain("::error title=evalwire%3A doubling::regressions 1 > 0\n");
  expect(red.stdout).toContain(`doubling vs ${runFolders(cwd).find((name) => name.startsWith("main_"))}: 1 regressed: q2`);
  expect(readFileSync(redSummary, "utf8")).toContain("## evalwire: ❌ 1 of 1 experiment failed");
  const junit = (await parseJunit(readFileSync(join(cwd, "reports", "junit.xml"), "utf8"))) as any;
  expect(junit.testsuite[0].testcase.find((c: any) => c.name === "q2").failure[0].message).toBe("correct 0 < 1");
  expect(JSON.parse(readFileSync(join(cwd, "reports", "evalwire.json"), "utf8")).run.status).toBe("failed");

  // The fix: green again.
  pullRequestJob();
  writeFileSync(dataset, good);
  const greenSummary = join(cwd, "green-summary.md");
  const green = await evalwire(["run", "--prefix", "pr", "--baseline", "latest"], cwd, github(greenSummary));
  expect(green.code, describeRun(green)).toBe(0);
  expect(green.stdout).not.toContain("::error");
  expect(readFileSync(greenSummary, "utf8")).toContain("## evalwire: ✅ 1 experiment passed");
  expect(JSON.parse(readFileSync(join(cwd, "reports", "evalwire.json"), "utf8")).experiments[0].baseline).toMatchObject({ regressed: 0, fixed: 0, missing: 0 });
});
