import { chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, type ExpectStatic, test } from "vitest";
import { type CliResult, collect, readRun, runFolders, snapshot, startCli, tempDir, writeFiles } from "../helpers/cli.js";
import { nobody, rootSkipReason } from "../helpers/privileges.js";
import { describeRun, recordedLines, stackFrames, waitFor } from "./_support.js";
import type { BadInput } from "./bad-input/case.js";
import { configCases } from "./bad-input/config.js";
import { datasetCases } from "./bad-input/datasets.js";
import { declaredTaskCases } from "./bad-input/declared-tasks.js";
import { diskCases } from "./bad-input/disk.js";
import { flagCases } from "./bad-input/flags.js";
import { folderCases } from "./bad-input/folders.js";
import { interruptCases } from "./bad-input/interrupts.js";
import { userCodeCases } from "./bad-input/user-code.js";

/**
 * The bad-input corpus: every case is one wrong flag, config key, folder, dataset, misbehaving task
 * or evaluator, disk or permission fault, or interrupt, and each must end with its exit code, one
 * line on stderr naming the culprit, no stack trace, and every finished result intact on disk.
 * The cases are data, in test/e2e/bad-input/<area>.ts.
 */
const areas: [string, BadInput[]][] = [
  ["flags", flagCases],
  ["config", configCases],
  ["folders", folderCases],
  ["datasets", datasetCases],
  ["task and evaluator misbehaviour", userCodeCases],
  ["declared tasks (task.yaml)", declaredTaskCases],
  ["disk and permission faults", diskCases],
  ["interrupts", interruptCases],
];

async function call(c: BadInput, cwd: string): Promise<CliResult> {
  const args = typeof c.args === "function" ? await c.args(cwd) : c.args;
  const child = startCli(args, { cwd, env: c.env, ...(c.asNobody ? { user: nobody } : {}) });
  const done = collect(child);
  if (!c.interrupt) return done;
  const { signals, afterResults, afterStdout } = c.interrupt;
  let stdout = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  try {
    await waitFor(() => (afterStdout ? stdout.includes(afterStdout) : recordedLines(cwd) >= afterResults!), 30_000, afterStdout ?? `${afterResults} results recorded`);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${describeRun(await done)}`);
  }
  for (const signal of signals) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill(signal);
  }
  return done;
}

/** The run folder of this call named by a `kept` prefix: exactly one new folder `${prefix}_<timestamp>`, or the one resumed. */
function keptFolder(prefix: string, fresh: string[], all: string[], expect: ExpectStatic): string {
  const ofPrefix = (names: string[]) => names.filter((name) => name.startsWith(`${prefix}_`) && /_\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(-\d+)?$/.test(name));
  const matches = ofPrefix(fresh).length > 0 ? ofPrefix(fresh) : ofPrefix(all);
  expect(matches, `one run folder ${prefix}_*, among ${all.join(", ")}`).toHaveLength(1);
  return matches[0]!;
}

function checkKept(c: BadInput, cwd: string, before: Map<string, string[]>, expect: ExpectStatic): void {
  const runsDir = join(cwd, ".evalwire", "runs");
  const all = runFolders(cwd);
  const fresh = all.filter((name) => !before.has(name));
  const named = new Set<string>();
  for (const [prefix, { ids, partial, status }] of Object.entries(c.kept ?? {})) {
    const folder = keptFolder(prefix, fresh, all, expect);
    named.add(folder);
    const text = readFileSync(join(runsDir, folder, "results.jsonl"), "utf8");
    // No torn last line, every line a whole result.
    if (text !== "") expect(text.endsWith("\n"), `${folder}/results.jsonl ends with a whole line`).toBe(true);
    const results = text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const recorded = results.map((r) => (r.repetition > 1 ? `${r.exampleId}#${r.repetition}` : r.exampleId));
    if (partial) {
      expect(new Set(recorded).size, `${folder}: each result once`).toBe(recorded.length);
      expect(recorded.length, `${folder}: some results and not all`).toBeGreaterThan(0);
      expect(recorded.length, `${folder}: some results and not all`).toBeLessThan(ids.length);
      for (const id of recorded) expect(ids, `${folder}: a result of this run`).toContain(id);
    } else expect(recorded.sort(), `${folder}: the finished results`).toEqual([...ids].sort());
    expect(readRun(join(runsDir, folder)).status, `${folder}/run.json status`).toBe(status);
  }
  // Nothing else written, and no earlier run touched.
  expect(
    fresh.filter((name) => !named.has(name)),
    "run folders written",
  ).toEqual([]);
  for (const [name, files] of before) if (!named.has(name)) expect(snapshot(join(runsDir, name)), `${name} unchanged`).toEqual(files);
}

async function check(c: BadInput, expect: ExpectStatic): Promise<void> {
  const { dir: cwd, remove } = tempDir("evalwire-bad-input-");
  const undo: (() => void)[] = [];
  try {
    if (c.asNobody) chmodSync(cwd, 0o777);
    writeFiles(cwd, c.files ?? {});
    for (const step of c.before ?? []) {
      const r = await collect(startCli(step.args, { cwd, env: c.env }));
      expect(r.code, `before: evalwire ${step.args.join(" ")}\n${describeRun(r)}`).toBe(step.code ?? 0);
    }
    writeFiles(cwd, c.edits ?? {});
    const fault = c.fault?.(cwd);
    if (fault) undo.push(fault);
    const runsDir = join(cwd, ".evalwire", "runs");
    const before = new Map(runFolders(cwd).map((name) => [name, snapshot(join(runsDir, name))]));
    const files = snapshot(cwd);

    const r = await call(c, cwd);

    expect(r.code, describeRun(r)).toBe(c.code);
    const lines = r.stderr.split("\n").filter((line) => line.trim() !== "");
    expect(lines, `stderr lines\n${describeRun(r)}`).toHaveLength(c.stderrLines ?? 1);
    expect(
      lines.some((line) => c.message.test(line)),
      `a line of stderr matches ${c.message}\n${describeRun(r)}`,
    ).toBe(true);
    expect(stackFrames(`${r.stdout}\n${r.stderr}`), "no stack trace without --verbose").toEqual([]);
    expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/unexpected error/);
    if (c.stdout) expect(r.stdout, describeRun(r)).toMatch(c.stdout);
    if (c.code === 2) expect(snapshot(cwd), "a usage error writes nothing").toEqual(files);
    checkKept(c, cwd, before, expect);
    if (c.check) expect(c.check(cwd), `the case's own check: ${c.check}`).toBe(true);
  } finally {
    for (const f of undo) f();
    remove();
  }
}

// One concurrent suite for every area, so that cheap usage errors overlap the runs that wait.
describe.concurrent("bad input", () => {
  for (const [area, cases] of areas) {
    describe(area, () => {
      for (const c of cases) {
        // A case that shows a product bug not fixed yet is expected to fail, and says which bug.
        (c.knownBug ? test.fails : test)(c.knownBug ? `${c.what} (known bug: ${c.knownBug})` : c.what, async ({ expect, skip }) => {
          if (c.root) {
            const reason = rootSkipReason(`bad input "${c.what}"`);
            if (reason) skip(reason);
          }
          await check(c, expect);
        });
      }
    });
  }
});

test("the corpus holds at least 60 distinct cases, in every area", ({ expect }) => {
  const all = areas.flatMap(([, cases]) => cases);
  expect(all.length).toBeGreaterThanOrEqual(60);
  expect(new Set(all.map((c) => c.what)).size).toBe(all.length);
  for (const [area, cases] of areas) expect(cases.length, area).toBeGreaterThanOrEqual(4);
});
