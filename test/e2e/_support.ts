/**
 * Small conveniences shared by the end-to-end tests. Not a test file itself (no `.test.`), and
 * everything that spawns the CLI goes through test/helpers/cli.ts.
 */
import { cpSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach } from "vitest";
import { type CliOptions, type CliResult, fixtures, readResults, readRun, root, runCli, runFolders, tempDir } from "../helpers/cli.js";

export { fixtures, root };

/** The absolute path of a fixture (an experiments folder, or a file below test/fixtures). */
export function fixture(...parts: string[]): string {
  return join(fixtures, ...parts);
}

/** A fresh temporary folder per call, removed after the test that made it. */
export function useTempDirs(): (prefix?: string) => string {
  const made: (() => void)[] = [];
  afterEach(() => {
    for (const remove of made.splice(0)) remove();
  });
  return (prefix?: string) => {
    const { dir, remove } = tempDir(prefix);
    made.push(remove);
    return dir;
  };
}

/** Runs the built CLI in `cwd`; stdout and stderr together, for "the message names X" checks. */
export async function evalwire(args: string[], cwd: string, env: Record<string, string | undefined> = {}, user?: CliOptions["user"]): Promise<CliResult & { all: string; ms: number }> {
  const start = Date.now();
  const result = await runCli(args, { cwd, env, ...(user ? { user } : {}) });
  return { ...result, all: `${result.stdout}\n${result.stderr}`, ms: Date.now() - start };
}

/** Explains a failed exit-code assertion with the CLI's output. */
export function describeRun(result: CliResult): string {
  return `exit ${result.code} (signal ${result.signal})\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** The run folders below `<cwd>/.evalwire/runs` that belong to an experiment's recorded name, by dataset. */
export function runDirs(cwd: string): string[] {
  return runFolders(cwd).map((name) => join(cwd, ".evalwire", "runs", name));
}

/** The one run folder whose name starts with `${prefix}_${dataset}_`; fails when there is not exactly one. */
export function runDirFor(cwd: string, dataset: string, prefix = "eval"): string {
  const matches = runFolders(cwd).filter((name) => name.startsWith(`${prefix}_${dataset}_`) && /_\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(-\d+)?$/.test(name));
  if (matches.length !== 1) throw new Error(`expected one run folder for ${prefix}_${dataset}_*, found: ${runFolders(cwd).join(", ") || "none"}`);
  return join(cwd, ".evalwire", "runs", matches[0]!);
}

/** results.jsonl of a run folder, keyed by `exampleId` (plus `#repetition` when above 1). */
export function resultsById(runDir: string): Record<string, any> {
  const byId: Record<string, any> = {};
  for (const result of readResults(runDir)) byId[result.repetition > 1 ? `${result.exampleId}#${result.repetition}` : result.exampleId] = result;
  return byId;
}

export function evaluation(result: any, name: string): any {
  const found = result.evaluations.find((e: any) => e.name === name);
  if (!found) throw new Error(`no evaluation "${name}" in ${JSON.stringify(result.evaluations)}`);
  return found;
}

export { readResults, readRun, runFolders };

/** The timestamp at the end of a run folder's name. */
export function timestampOf(folderName: string): string {
  const match = /_(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(-\d+)?$/.exec(folderName);
  if (!match) throw new Error(`no timestamp in ${folderName}`);
  return match[1]!;
}

/** UTC now, as the run store names it. */
export function utcSecond(date = new Date()): string {
  return date.toISOString().slice(0, 19);
}

/** Copies a fixture folder to `dest` (the fixture itself is never run in place when a test writes beside it). */
export function copyFixture(name: string, dest: string): string {
  cpSync(fixture(name), dest, { recursive: true });
  return dest;
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Lines of results.jsonl in every run folder below cwd, counted without parsing half-written lines. */
export function recordedLines(cwd: string): number {
  let lines = 0;
  for (const dir of runDirs(cwd)) {
    const file = join(dir, "results.jsonl");
    if (existsSync(file))
      lines += readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.endsWith("}")).length;
  }
  return lines;
}

/** Every line of a text that is a stack frame. */
export function stackFrames(text: string): string[] {
  return text.split("\n").filter((line) => /^\s+at .+/.test(line));
}

/** Names in a folder, or [] when it does not exist. */
export function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
