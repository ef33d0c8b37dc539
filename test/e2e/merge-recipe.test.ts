// The README's GitHub Actions matrix recipe, played through with GitHub's environment: three shard
// jobs, each on its own "machine" (working folder and run store) uploading its run folders, then the
// merge job that downloads them all into .evalwire/runs and merges them.
import { cpSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { readRun } from "../helpers/cli.js";
import { describeRun, evalwire, fixture, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const config = fixture("merge", "evalwire.toml");
const runsOf = (cwd: string) => join(cwd, ".evalwire", "runs");

it("plays the README's GitHub Actions matrix recipe: shard jobs on their own machines, then the merge job", async () => {
  const github = { CI: "true", GITHUB_ACTIONS: "true", GITHUB_RUN_ID: "4242" };
  // Each shard job: its own checkout, its own run store, uploaded as an artifact.
  const artifacts = temp();
  for (const i of [1, 2, 3]) {
    const job = temp();
    const r = await evalwire(["run", "--config", config, "--prefix", "nightly", "--shard", `${i}/3`], job, github);
    expect(r.code, describeRun(r)).toBe(0);
    cpSync(runsOf(job), join(artifacts, `evalwire-shard-${i}`), { recursive: true });
  }
  // The merge job: download-artifact with merge-multiple puts every shard folder in .evalwire/runs.
  const mergeJob = (skip: number | null) => {
    const cwd = temp();
    for (const i of [1, 2, 3]) if (i !== skip) cpSync(join(artifacts, `evalwire-shard-${i}`), runsOf(cwd), { recursive: true });
    return cwd;
  };
  const cwd = mergeJob(null);
  const summary = join(cwd, "step-summary.md");
  const r = await evalwire(["merge", ".evalwire/runs", "--config", config, "--reporter", "junit=reports/junit.xml", "--max-errors", "2"], cwd, { ...github, GITHUB_STEP_SUMMARY: summary });
  expect(r.code, describeRun(r)).toBe(1);
  expect(r.stdout).toMatch(/^::error title=evalwire%3A graded::errors 3 > 2$/m);
  expect(readFileSync(summary, "utf8")).toMatch(/graded.*errors.*\b3\b.*\b2\b/);
  expect(readFileSync(join(cwd, "reports", "junit.xml"), "utf8")).toMatch(/<testsuite /);
  const [name, ...more] = readdirSync(runsOf(cwd)).filter((each) => /^nightly_graded_[\d\-T:]+$/.test(each));
  expect(more).toEqual([]);
  const merged = readRun(join(runsOf(cwd), name!));
  expect(merged).toMatchObject({ runId: "4242", planned: 60, summary: { completed: 60, taskErrors: 3 } });
  expect(merged.merged.from).toHaveLength(3);

  // A job that did not upload its shard fails the merge job, naming the shard.
  const missing = await evalwire(["merge", ".evalwire/runs", "--config", config], mergeJob(2), github);
  expect(missing.code, describeRun(missing)).toBe(2);
  expect(missing.stderr).toMatch(/cannot merge: graded shard 2\/3 missing \(given: 1\/3, 3\/3\)/);
});
