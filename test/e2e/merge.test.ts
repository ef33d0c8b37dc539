// `evalwire merge`: three real shard runs of test/fixtures/merge (local backend) join into one run
// that equals the unsharded run of the same fixture; gates fail over the whole; every refusal is
// exit 2 with one line, and nothing is written then; the shard folders are never changed.
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readResults, readRun, root, snapshot, tempDir } from "../helpers/cli.js";
import { describeRun, evalwire, fixture, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const config = fixture("merge", "evalwire.toml");
/** Where the unsharded run and the three shard runs were made, once for the file. */
let made: string;
let removeMade = () => {};
afterAll(() => removeMade());
const runsOf = (cwd: string) => join(cwd, ".evalwire", "runs");
const folderOf = (cwd: string, pattern: RegExp): string => {
  const names = readdirSync(runsOf(cwd)).filter((name) => pattern.test(name));
  expect(names, readdirSync(runsOf(cwd)).join(", ")).toHaveLength(1);
  return join(runsOf(cwd), names[0]!);
};

beforeAll(async () => {
  const { dir, remove } = tempDir("evalwire-merge-");
  made = dir;
  removeMade = remove;
  const whole = await evalwire(["run", "--config", config, "--reporter", "json=whole.json", "--reporter", "junit=whole.xml", "--reporter", "html=whole.html"], made);
  expect(whole.code, describeRun(whole)).toBe(0);
  for (const i of [1, 2, 3]) {
    const shard = await evalwire(["run", "--config", config, "--shard", `${i}/3`, "--quiet", "--reporter", `json=shard-${i}.json`], made);
    expect(shard.code, describeRun(shard)).toBe(0);
  }
}, 180_000);

/** A fresh working folder holding the three shards' run folders in `shards/`, as an artifact download does. */
function withShards(keep: (name: string) => boolean = () => true): { cwd: string; shards: string } {
  const cwd = temp();
  const shards = join(cwd, "shards");
  for (const name of readdirSync(runsOf(made)).filter((name) => name.includes("-shard-") && keep(name))) cpSync(join(runsOf(made), name), join(shards, name), { recursive: true });
  return { cwd, shards };
}
const callsOf = (dir: string) =>
  readResults(dir).map((r) => JSON.stringify([r.exampleId, r.repetition, r.status, r.output, r.evaluations.map((e: { name: string; score: number }) => [e.name, e.score])]));

describe("evalwire merge", () => {
  it("joins three shards into one run equal to the unsharded run: counts, means, gates, results and reports", async () => {
    const { cwd, shards } = withShards();
    const before = snapshot(shards);
    const r = await evalwire(
      ["merge", "shards", "--config", config, "--reporter", "json=merged.json", "--reporter", "junit=merged.xml", "--reporter", "markdown=merged.md", "--reporter", "html=merged.html"],
      cwd,
    );
    expect(r.code, describeRun(r)).toBe(0);
    expect(snapshot(shards)).toEqual(before);

    const whole = JSON.parse(readFileSync(join(made, "whole.json"), "utf8"));
    const merged = JSON.parse(readFileSync(join(cwd, "merged.json"), "utf8"));
    expect(merged.run.status).toBe("passed");
    // A shard's JSON report says which shard it is; the whole run's and the merged run's say none.
    const validate = new Ajv({ strict: true }).compile(JSON.parse(readFileSync(join(root, "schema", "report.schema.json"), "utf8")));
    for (const i of [1, 2, 3]) {
      const part = JSON.parse(readFileSync(join(made, `shard-${i}.json`), "utf8"));
      expect(validate(part), JSON.stringify(validate.errors)).toBe(true);
      expect(part.experiments.map((e: { shard: string | null }) => e.shard)).toEqual([`${i}/3`, `${i}/3`]);
    }
    expect([...whole.experiments, ...merged.experiments].map((e: { shard: string | null }) => e.shard)).toEqual([null, null, null, null]);
    expect(validate(merged), JSON.stringify(validate.errors)).toBe(true);
    expect(merged.experiments.map((e: { experiment: string }) => e.experiment)).toEqual(["graded", "tiny"]);
    for (const [index, experiment] of merged.experiments.entries()) {
      const unsharded = whole.experiments[index];
      for (const key of ["experiment", "dataset", "status", "failure", "planned", "completed", "taskErrors", "evaluatorErrors", "gates", "baseline"])
        expect(experiment[key], key).toEqual(unsharded[key]);
      expect(Object.keys(experiment.evaluators)).toEqual(Object.keys(unsharded.evaluators));
      for (const [name, summary] of Object.entries(experiment.evaluators) as [string, Record<string, number>][]) {
        for (const [field, value] of Object.entries(summary)) expect(value, `${name} ${field}`).toBeCloseTo(unsharded.evaluators[name][field], 12);
      }
      // The merged run is a run folder of the run store, holding every call of the unsharded run once.
      expect(experiment.runPath).toBe(folderOf(cwd, new RegExp(`^eval_${experiment.experiment}_`)));
      // Line for line: in the dataset's order, as the whole run (whose calls end in the order they start) lists them.
      expect(callsOf(experiment.runPath)).toEqual(callsOf(unsharded.runPath));
      expect(readRun(experiment.runPath).summary.judgement.partial).toBe(false);
    }
    const graded = merged.experiments[0];
    expect(graded).toMatchObject({ planned: 60, completed: 60, taskErrors: 3 });
    expect(graded.gates.map((g: { gate: string; verdict: string }) => `${g.gate} ${g.verdict}`)).toEqual(["max_errors pass", "pass_rate pass", "pass_at_k pass", "mean pass"]);

    // JUnit: the same suites' counts and test cases as the unsharded run's.
    const junit = (file: string) => {
      const xml = readFileSync(file, "utf8");
      return {
        suites: [...xml.matchAll(/<testsuite [^>]*?(tests="\d+" failures="\d+" errors="\d+" skipped="\d+")/g)].map((m) => m[1]),
        cases: [...xml.matchAll(/<testcase classname="[^"]*?(\.gates)?" name="([^"]+)"/g)].map((m) => `${m[1] ?? ""}${m[2]}`).sort(),
        failures: (xml.match(/<failure /g) ?? []).length,
        errors: (xml.match(/<error /g) ?? []).length,
      };
    };
    const mergedJunit = junit(join(cwd, "merged.xml"));
    expect(mergedJunit).toEqual(junit(join(made, "whole.xml")));
    expect(mergedJunit.errors).toBe(3);
    expect(mergedJunit.cases).toContain(".gatescloseness mean &gt;= 0.75");

    // HTML: the same example rows, inputs and expected outputs read again from the dataset file.
    const rows = (file: string) => (readFileSync(file, "utf8").match(/<tr data-status=.*?<\/tr>/gs) ?? []).sort();
    const mergedRows = rows(join(cwd, "merged.html"));
    expect(mergedRows).toHaveLength(72);
    expect(mergedRows).toEqual(rows(join(made, "whole.html")));
    expect(mergedRows.find((row) => row.includes("<td>g1</td>"))).toMatch(/<td><pre>\{\n &quot;n&quot;: 1\n\}<\/pre><\/td>/);

    const markdown = readFileSync(join(cwd, "merged.md"), "utf8");
    expect(markdown).toMatch(/closeness mean/);
    expect(markdown).toMatch(/0\.79/);
    expect(r.stdout).toMatch(/graded: merging 3 shards: eval_graded_\S+-shard-1-of-3, eval_graded_\S+-shard-2-of-3, eval_graded_\S+-shard-3-of-3/);
    expect(r.stdout).toMatch(/json report: merged\.json/);

    // Other commands read the merged run as any run: compare finds no difference with the unsharded one.
    const compared = await evalwire(["compare", graded.runPath, whole.experiments[0].runPath], cwd);
    expect(compared.code, describeRun(compared)).toBe(0);
    expect(compared.stdout).toMatch(/closeness: 0\.7\d+ → 0\.7\d+ {2}\(\+0\.0000\)/);
    expect(compared.stdout).toMatch(/regressed: 0 {2}fixed: 0 {2}new: 0 {2}missing: 0/);
  });

  it("fails on a threshold that only the whole breaks (exit 1), without a warning for the bar given to merge on purpose", async () => {
    // Each shard holds at most 2 of the 3 task errors.
    const perShard = readdirSync(runsOf(made))
      .filter((name) => name.startsWith("eval_graded_") && name.includes("-shard-"))
      .map((name) => readRun(join(runsOf(made), name)).summary.taskErrors);
    expect(perShard.sort()).toEqual([0, 1, 2]);
    const { cwd } = withShards();
    const r = await evalwire(["merge", "shards", "--config", config, "--max-errors", "2", "--reporter", "junit=merged.xml"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/✖ graded: errors 3 > 2/);
    expect(r.stderr).not.toMatch(/the shards ran with/);
    expect(readFileSync(join(cwd, "merged.xml"), "utf8")).toMatch(/<failure message="errors 3 &gt; 2" type="gate"\/>/);
    expect(readRun(folderOf(cwd, /^eval_graded_/)).status).toBe("failed");
  });

  it("fails (exit 1), naming the file, when a report cannot be written, as run does: CI would pass without its junit.xml", async () => {
    const { cwd } = withShards();
    const passing = await evalwire(["merge", "shards", "--config", config, "--quiet"], cwd);
    expect(passing.code, describeRun(passing)).toBe(0);
    // /dev/full takes the file and refuses every write (ENOSPC), as a full disk does.
    const r = await evalwire(["merge", "shards", "--config", config, "--quiet", "--reporter", "junit=/dev/full"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/^evalwire: cannot write the junit report \/dev\/full: ENOSPC: no space left on device/m);
    expect(r.stderr).not.toMatch(/warning: reporter/);
  });

  it("warns once per experiment of bars the shards ran with that merge changes, unless merge was given them", async () => {
    const { cwd, shards } = withShards((name) => name.startsWith("eval_graded_"));
    const onPurpose = await evalwire(["merge", "shards", "--config", config, "--threshold", "closeness=0.5"], cwd);
    expect(onPurpose.code, describeRun(onPurpose)).toBe(0);
    expect(onPurpose.stderr).not.toMatch(/the shards ran with/);
    // Shards run with other bars on their command line than the checkout's evalwire.toml holds.
    for (const name of readdirSync(shards)) {
      const run = readRun(join(shards, name));
      for (const gate of run.summary.judgement.gates) if (gate.evaluator) gate.bar = 0.95;
      writeFileSync(join(shards, name, "run.json"), JSON.stringify(run));
    }
    const unseen = await evalwire(["merge", "shards", "--config", config, "--threshold", "closeness=0.5"], cwd);
    expect(unseen.code, describeRun(unseen)).toBe(0);
    const lines = unseen.stderr.split("\n").filter((line) => line.includes("the shards ran with"));
    expect(lines).toEqual([
      "warning: graded: the shards ran with exact pass rate bar 0.95, merge applies 0.50; exact pass@k bar 0.95, merge applies 0.60 (merge reads evalwire.toml and its own --threshold, --max-errors)",
    ]);
  });

  it("merges one of two sharded runs in one runs folder, picked by --run-id, and names both when none is picked", async () => {
    const { cwd, shards } = withShards();
    for (const i of [1, 2, 3]) {
      const again = await evalwire(["run", "--config", config, "--shard", `${i}/3`, "--run-id", "second", "--quiet"], cwd);
      expect(again.code, describeRun(again)).toBe(0);
    }
    cpSync(runsOf(cwd), shards, { recursive: true });
    const before = snapshot(shards);
    const both = await evalwire(["merge", "shards", "--config", config], cwd);
    expect(both.code, describeRun(both)).toBe(2);
    expect(both.stderr.trim()).toBe(
      "evalwire: cannot merge: the shards are of 2 runs: no run id (6 shards, whole); run id second (6 shards, whole); merge one with --run-id second, or give one run's folders",
    );
    const picked = await evalwire(["merge", "shards", "--config", config, "--run-id", "second", "--reporter", "json=merged.json"], cwd);
    expect(picked.code, describeRun(picked)).toBe(0);
    const merged = JSON.parse(readFileSync(join(cwd, "merged.json"), "utf8"));
    expect(merged.experiments.map((e: { experiment: string }) => e.experiment)).toEqual(["graded", "tiny"]);
    expect(merged.experiments[0].completed).toBe(60);
    for (const experiment of merged.experiments) {
      expect(experiment.completed).toBe(experiment.planned);
      const run = readRun(experiment.runPath);
      expect(run.runId).toBe("second");
      for (const from of run.merged.from) expect(readRun(join(shards, from)).runId).toBe("second");
    }
    expect(snapshot(shards)).toEqual(before);
  });

  it("compares the whole with a baseline run and applies its gates", async () => {
    const { cwd } = withShards((name) => name.startsWith("eval_graded_"));
    const baseline = readdirSync(runsOf(made)).find((name) => name.startsWith("eval_graded_") && !name.includes("-shard-"))!;
    const r = await evalwire(["merge", "shards", "--config", config, "--baseline", join(runsOf(made), baseline), "--max-regressions", "0", "--max-mean-drop", "0"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/graded vs eval_graded_\S+: 0 regressed; 0 fixed, 0 new, 0 missing/);
    expect(readRun(folderOf(cwd, /^eval_graded_/)).summary.judgement.gates.map((g: { text: string }) => g.text)).toContain("regressions 0 <= 0");
  });

  const edit = (shards: string, pattern: RegExp, change: (run: any) => void) => {
    const name = readdirSync(shards).find((each) => pattern.test(each))!;
    const run = readRun(join(shards, name));
    change(run);
    writeFileSync(join(shards, name, "run.json"), JSON.stringify(run));
  };
  const refusals: [string, (shards: string) => void, RegExp][] = [
    ["a missing shard", () => {}, /^evalwire: cannot merge: graded shard 2\/3 missing \(given: 1\/3, 3\/3\); add the missing shard's run folder$/],
    [
      "another dataset version",
      (s) => edit(s, /^eval_graded_.*-shard-3-of-3$/, (run) => (run.dataset.version = "sha256:changed")),
      /cannot merge: graded shards differ in dataset version: eval_graded_\S+-shard-1-of-3 has sha256:\w+, eval_graded_\S+-shard-3-of-3 has sha256:changed/,
    ],
    [
      "another task",
      (s) => edit(s, /^eval_graded_.*-shard-3-of-3$/, (run) => (run.task.hash = "0123456789abcdef")),
      /cannot merge: graded shards differ in task: .* has task hash \w{12}, .* has 0123456789ab \(task.ts or its imports changed/,
    ],
    [
      "another shard count",
      (s) => edit(s, /^eval_tiny_.*-shard-3-of-3$/, (run) => (run.shard = "3/4")),
      /cannot merge: the shards split the run differently: .* is shard \d\/3, eval_tiny_\S+-shard-3-of-3 is shard 3\/4/,
    ],
    [
      "another run id",
      (s) => edit(s, /^eval_graded_.*-shard-3-of-3$/, (run) => (run.runId = "9999")),
      /^evalwire: cannot merge: the shards are of 2 runs: no run id \(5 shards, not whole\); run id 9999 \(1 shard, not whole\); merge one with --run-id 9999, or give one run's folders$/,
    ],
    [
      "the same shard twice",
      (s) => {
        const name = readdirSync(s).find((each) => /^eval_tiny_.*-shard-1-of-3$/.test(each))!;
        cpSync(join(s, name), join(s, `${name}-copy`), { recursive: true });
      },
      /cannot merge: tiny shard 1\/3 is given twice: eval_tiny_\S+-shard-1-of-3 and eval_tiny_\S+-shard-1-of-3/,
    ],
    [
      "a call in two shards",
      (s) => {
        const one = readdirSync(s).find((each) => /^eval_tiny_.*-shard-1-of-3$/.test(each))!;
        const two = readdirSync(s).find((each) => /^eval_tiny_.*-shard-2-of-3$/.test(each))!;
        appendFileSync(join(s, two, "results.jsonl"), `${readFileSync(join(s, one, "results.jsonl"), "utf8").split("\n")[0]!}\n`);
      },
      /cannot merge: tiny example \w+ repetition \d is in two shards: eval_tiny_\S+-shard-1-of-3 and eval_tiny_\S+-shard-2-of-3/,
    ],
    [
      "a shard whose results.jsonl lost lines",
      (s) => {
        const name = readdirSync(s).find((each) => /^eval_graded_.*-shard-3-of-3$/.test(each))!;
        const lines = readFileSync(join(s, name, "results.jsonl"), "utf8")
          .split("\n")
          .filter(Boolean);
        writeFileSync(join(s, name, "results.jsonl"), `${lines.slice(0, 3).join("\n")}\n`);
      },
      /^evalwire: cannot merge: graded shard 3\/3 \(shards\/eval_graded_\S+-shard-3-of-3\) holds 3 results, its run.json says \d+ completed; run that shard again$/,
    ],
    [
      "a shard without its results.jsonl",
      (s) => rmSync(join(s, readdirSync(s).find((each) => /^eval_tiny_.*-shard-2-of-3$/.test(each))!, "results.jsonl")),
      /^evalwire: cannot merge: tiny shard 2\/3 \(shards\/eval_tiny_\S+-shard-2-of-3\) holds 0 results, its run.json says \d+ completed/,
    ],
    [
      "a shard that completed fewer calls than planned",
      (s) => edit(s, /^eval_tiny_.*-shard-1-of-3$/, (run) => (run.summary.completed = run.summary.planned - 1)),
      /^evalwire: cannot merge: tiny shard 1\/3 \(shards\/eval_tiny_\S+-shard-1-of-3\) completed \d+ of its \d+ planned calls; run that shard again$/,
    ],
  ];
  it.each(refusals)("refuses %s with exit 2 and one line naming the runs, writing nothing", async (what, change, message) => {
    const { cwd, shards } = withShards((name) => what !== "a missing shard" || !/^eval_graded_.*-shard-2-of-3$/.test(name));
    change(shards);
    const before = snapshot(shards);
    const r = await evalwire(["merge", "shards", "--config", config, "--reporter", "json=merged.json"], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(existsSync(runsOf(cwd))).toBe(false);
    expect(existsSync(join(cwd, "merged.json"))).toBe(false);
    expect(snapshot(shards)).toEqual(before);
  });

  it("refuses, as usage errors, no folder given, a threshold naming an evaluator the shards did not run, a missing --experiments folder and a file", async () => {
    const { cwd } = withShards();
    const none = await evalwire(["merge"], cwd);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing required argument 'runs'/);
    const unknown = await evalwire(["merge", "shards", "--config", config, "--threshold", "nope=0.5"], cwd);
    expect(unknown.code, describeRun(unknown)).toBe(2);
    expect(unknown.stderr.trim()).toMatch(/^evalwire: --threshold nope: no selected experiment has an evaluator nope/);
    // A mistyped experiments folder would drop every folder's own gates: refused, as run does.
    const typo = await evalwire(["merge", "shards", "--config", config, "--experiments", "/nonexist"], cwd);
    expect(typo.code, describeRun(typo)).toBe(2);
    expect(typo.stderr.trim()).toMatch(
      /^evalwire: --experiments \/nonexist: no such folder: \/nonexist \(merge reads each experiment's evalwire.toml \[thresholds\] there\); give the experiments folder$/,
    );
    // A file given for a folder is named as such.
    writeFileSync(join(cwd, "evalwire.toml"), "");
    const file = await evalwire(["merge", "evalwire.toml"], cwd);
    expect(file.code, describeRun(file)).toBe(2);
    expect(file.stderr.trim()).toBe("evalwire: merge evalwire.toml: is a file, not a shard run folder; give shard run folders, or a folder holding them");
    expect(existsSync(runsOf(cwd))).toBe(false);
  });
});
