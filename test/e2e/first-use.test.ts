/** What a new user tripped over, each shown through the built CLI (and npm pack for the package's contents). */
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFiles } from "../helpers/cli.js";
import { describeRun, evalwire, fixture, root, runFolders, useTempDirs } from "./_support.js";

const temp = useTempDirs();

/** A project with the basic fixture's greet experiment in ./experiments. */
function project(): string {
  const cwd = temp();
  cpSync(fixture("basic", "greet"), join(cwd, "experiments", "greet"), { recursive: true });
  return cwd;
}

describe("the packed package", () => {
  it("npm pack ships the CLI, the library and every file init's evalwire.toml points at", async () => {
    const out = temp();
    // --ignore-scripts: the build is already there, and rebuilding dist/ would disturb tests running beside this one.
    const [packed] = JSON.parse(execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", out], { cwd: root, encoding: "utf8" }));
    const listed = execFileSync("tar", ["-tzf", join(out, packed.filename)], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    expect(listed).toEqual(expect.arrayContaining(["package/package.json", "package/bin/evalwire.js", "package/dist/index.js", "package/dist/index.d.ts", "package/dist/cli/main.js"]));

    const cwd = temp();
    const init = await evalwire(["init"], cwd);
    expect(init.code, describeRun(init)).toBe(0);
    const referenced = [...readFileSync(join(cwd, "evalwire.toml"), "utf8").matchAll(/node_modules\/evalwire\/(\S+)/g)].map((match) => match[1]!);
    expect(referenced).toEqual(["evalwire.toml.example"]);
    for (const file of referenced) expect(listed).toContain(`package/${file}`);
  });
});

describe("a helper file in an experiment folder", () => {
  it("named utils.ts fails with a hint to name it _utils.ts", async () => {
    const cwd = project();
    writeFiles(cwd, { "experiments/greet/utils.ts": "export function shout(text: string) { return text.toUpperCase(); }\n" });
    const r = await evalwire(["run"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain(
      '✖ greet: experiments/greet/utils.ts: exports no evaluator named "utils" and no default export (found: shout); a helper, not an evaluator? name it _utils.ts (files starting with _ are skipped)',
    );
  });

  it("named _utils.ts is skipped, and the run passes", async () => {
    const cwd = project();
    writeFiles(cwd, { "experiments/greet/_utils.ts": "export function shout(text: string) { return text.toUpperCase(); }\n" });
    const r = await evalwire(["run"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
  });
});

describe("a task file in the wrong case (Task.ts)", () => {
  const setUp = () => {
    const cwd = project();
    cpSync(fixture("basic", "greet"), join(cwd, "experiments", "cased"), { recursive: true });
    renameSync(join(cwd, "experiments", "cased", "task.ts"), join(cwd, "experiments", "cased", "Task.ts"));
    return cwd;
  };
  const problem = "experiments/cased/Task.ts: the task file must be named task.ts (lower case); rename it";

  it("is a problem in list", async () => {
    const r = await evalwire(["list"], setUp());
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain(`✖ cased\n`);
    expect(r.stdout).toContain(`  ${problem}\n`);
    expect(r.stdout).toContain("✔ greet");
  });

  it("fails that experiment in run; the others run", async () => {
    const cwd = setUp();
    const r = await evalwire(["run"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain(`✖ cased: ${problem}`);
    expect(r.stdout).toMatch(/✔ greet +3 /);
    expect(runFolders(cwd)).toHaveLength(1);
  });
});

describe("init and .gitignore", () => {
  it("creates a .gitignore holding .evalwire/ when there is none, and a second init adds nothing", async () => {
    const cwd = temp();
    const first = await evalwire(["init"], cwd);
    expect(first.code, describeRun(first)).toBe(0);
    expect(first.stdout).toContain("created  .gitignore (ignores .evalwire/, where runs are recorded)");
    expect(readFileSync(join(cwd, ".gitignore"), "utf8")).toBe(".evalwire/\n");
    const second = await evalwire(["init"], cwd);
    expect(second.code, describeRun(second)).toBe(0);
    expect(second.stdout).not.toContain(".gitignore");
    expect(readFileSync(join(cwd, ".gitignore"), "utf8")).toBe(".evalwire/\n");
  });

  it("appends to an existing .gitignore (even without a final newline)", async () => {
    const cwd = writeFiles(temp(), { ".gitignore": "node_modules\ndist" });
    const r = await evalwire(["init"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain("updated  .gitignore (added .evalwire/, where runs are recorded)");
    expect(readFileSync(join(cwd, ".gitignore"), "utf8")).toBe("node_modules\ndist\n.evalwire/\n");
  });

  it("leaves a .gitignore that already ignores it, in another spelling, alone", async () => {
    const cwd = writeFiles(temp(), { ".gitignore": "node_modules\n/.evalwire\n" });
    const r = await evalwire(["init"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(readFileSync(join(cwd, ".gitignore"), "utf8")).toBe("node_modules\n/.evalwire\n");
  });
});

describe("--dry-run", () => {
  it("shows each example's expected output beside the task's", async () => {
    const r = await evalwire(["run", "--dry-run", "3"], project());
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain('  output: {"greeting":"hello Cy","experiment":"greet","repetition":1,"hasSignal":true}\n  expected: {"greeting":"hi Cy"}\n  exact: 0');
  });
});

describe("messages that gave the wrong reason", () => {
  it('--prefix "" says it must not be empty', async () => {
    const r = await evalwire(["run", "--prefix", ""], project());
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr.trim()).toBe('evalwire: --prefix must not be empty (it becomes part of a folder name) (got "")');
  });

  it("a nested table in [experiments.metadata] names the key and what is allowed", async () => {
    const cwd = writeFiles(project(), { "evalwire.toml": '[experiments.metadata]\nteam = "search"\n[experiments.metadata.owner]\nname = "ann"\n' });
    const r = await evalwire(["run"], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr.trim()).toBe(
      'evalwire: evalwire.toml: [experiments.metadata] owner: expected a string, number or boolean; metadata is flat, so a nested table or a list is not allowed (got {"name":"ann"})',
    );
  });
});
