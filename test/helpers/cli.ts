import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const bin = join(root, "bin", "evalwire.js");
export const fixtures = join(root, "test", "fixtures");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment every spawned CLI gets: no colour, no CI switch, no Phoenix from the developer's shell. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("PHOENIX_") || key === "CI" || key === "FORCE_COLOR" || key.startsWith("VITEST") || key === "NODE_OPTIONS") continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: "1", PHOENIX_DISCOVER_CONFIG: "false", ...extra };
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Another user to run as (needs root): see test/helpers/privileges.ts. */
  user?: { uid: number; gid: number };
}

export function startCli(args: string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, env: cleanEnv(options.env), stdio: ["ignore", "pipe", "pipe"], ...options.user });
}

/** Runs the built CLI to its end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const child = startCli(args, options);
  return collect(child);
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix = "evalwire-test-"): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes files into `dir` (paths relative to it; folders made as needed) and returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** Every file below a folder with its size and mtime, to prove nothing was written there. */
export function snapshot(dir: string): string[] {
  const entries: string[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else entries.push(`${relative(dir, path)} ${stat.size} ${stat.mtimeMs}`);
    }
  };
  walk(dir);
  return entries.sort();
}

/** The run folders written below `<cwd>/.evalwire/runs`. */
export function runFolders(cwd: string): string[] {
  try {
    return readdirSync(join(cwd, ".evalwire", "runs")).sort();
  } catch {
    return [];
  }
}

export function readResults(runDir: string): any[] {
  return readFileSync(join(runDir, "results.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

export function readRun(runDir: string): any {
  return JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
}
