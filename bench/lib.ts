/**
 * Shared helpers for the benchmarks: temp fixtures, child processes with their own peak RSS,
 * medians and the figure table. Benchmarks print figures beside their targets; they never fail
 * on a figure.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const repoDir = resolve(benchDir, "..");
export const childrenDir = join(benchDir, "children");
export const cliBin = join(repoDir, "bin", "evalwire.js");

/** One line of the figure table. `met` is null for a figure without a target. */
export interface Row {
  bench: string;
  figure: string;
  target: string;
  met: boolean | null;
}

/** True when `moduleUrl` is the script node (or tsx) was started with. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(resolve(entry)).href === moduleUrl;
}

// ---------------------------------------------------------------- temp dirs

const tempDirs = new Set<string>();
let cleanupHooked = false;

/** A fresh folder under os.tmpdir(), removed by `removeTempDir` or, at the latest, when the process exits. */
export function makeTempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `evalwire-bench-${label}-`));
  tempDirs.add(dir);
  if (!cleanupHooked) {
    cleanupHooked = true;
    process.once("exit", () => {
      for (const each of tempDirs) rmSync(each, { recursive: true, force: true });
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        for (const each of tempDirs) rmSync(each, { recursive: true, force: true });
        process.exit(130);
      });
    }
  }
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

// ---------------------------------------------------------------- build check

/** Benchmarks measure dist/: say so when it is missing or older than src/ (they never build it themselves). */
export function checkBuild(): void {
  const entry = join(repoDir, "dist", "index.js");
  if (!existsSync(entry)) {
    throw new Error("dist/ is missing: build first (npx tsc -p tsconfig.build.json, or run `npm run bench`)");
  }
  const built = statSync(entry).mtimeMs;
  const newest = newestMtime(join(repoDir, "src"));
  if (newest > built) {
    process.stderr.write("warning: src/ has files newer than dist/index.js; the figures measure the last build (npm run build)\n");
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// ---------------------------------------------------------------- child processes

const timeBinary = "/usr/bin/time";
let timeWorks: boolean | undefined;

/** Whether `/usr/bin/time -v` is there and speaks GNU time's verbose format. */
export function hasGnuTime(): boolean {
  if (timeWorks === undefined) {
    const probe = existsSync(timeBinary) ? spawnSync(timeBinary, ["-v", process.execPath, "-e", ""], { encoding: "utf8" }) : null;
    timeWorks = probe !== null && probe.status === 0 && /Maximum resident set size \(kbytes\): \d+/.test(probe.stderr);
  }
  return timeWorks;
}

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Spawn to exit, in ms (includes node start-up). */
  processWallMs: number;
  /** Peak RSS from /usr/bin/time -v, in kB; null when it was not used. */
  timedMaxRssKb: number | null;
}

export interface ProcessOptions {
  cwd?: string;
  /** Wrap in /usr/bin/time -v when available (default true). */
  measureRss?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Runs `node …nodeArgs` in its own process, under /usr/bin/time -v when asked and available. */
export async function runNode(nodeArgs: string[], options: ProcessOptions = {}): Promise<ProcessRun> {
  const useTime = (options.measureRss ?? true) && hasGnuTime();
  const nodeCommand = [process.execPath, ...nodeArgs];
  const [command, ...commandArgs] = useTime ? [timeBinary, "-v", ...nodeCommand] : nodeCommand;
  const start = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(command!, commandArgs, { cwd: options.cwd ?? repoDir, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("error", fail);
    child.on("close", (exitCode) => done({ code: exitCode, stdout: out, stderr: err }));
  });
  const processWallMs = performance.now() - start;
  const timed = useTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr) : null;
  return { code, stdout, stderr, processWallMs, timedMaxRssKb: timed ? Number(timed[1]) : null };
}

export interface ChildRun<T> {
  /** The JSON object the child printed as its last stdout line. */
  report: T;
  /** Peak RSS of the child process, in MB. */
  peakRssMb: number;
  /** Where the peak RSS came from. */
  rssSource: "/usr/bin/time -v" | "process.resourceUsage().maxRSS";
  /** Wall time of the child process, spawn to exit, in ms (includes node start-up). */
  processWallMs: number;
  stderr: string;
}

export interface ChildOptions extends ProcessOptions {
  nodeArgs?: string[];
}

/**
 * Runs `node [nodeArgs] script [args]` in its own process, so its peak RSS is the run's own. The
 * child prints one JSON object as its last line on stdout, which must include `maxRssKb` (from
 * process.resourceUsage()) for when /usr/bin/time is not available.
 */
export async function runChild<T extends { maxRssKb: number }>(script: string, args: string[], options: ChildOptions = {}): Promise<ChildRun<T>> {
  const run = await runNode([...(options.nodeArgs ?? []), script, ...args], options);
  const lastLine = run.stdout.trim().split("\n").at(-1) ?? "";
  let report: T;
  try {
    report = JSON.parse(lastLine) as T;
  } catch {
    throw new Error(`${script} exited with ${run.code} without a JSON report.\nstdout: ${run.stdout.slice(-2000)}\nstderr: ${run.stderr.slice(-2000)}`);
  }
  const peakKb = run.timedMaxRssKb ?? report.maxRssKb;
  return {
    report,
    peakRssMb: peakKb / 1024,
    rssSource: run.timedMaxRssKb !== null ? "/usr/bin/time -v" : "process.resourceUsage().maxRSS",
    processWallMs: run.processWallMs,
    stderr: run.stderr,
  };
}

// ---------------------------------------------------------------- figures

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function fmt(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ms(value: number): string {
  return `${fmt(value, value < 100 ? 1 : 0)} ms`;
}

export function metText(met: boolean | null): string {
  return met === null ? "(info)" : met ? "yes" : "NO";
}

/** A plain text table, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join(" | ")
      .trimEnd();
  return [line(header), widths.map((width) => "-".repeat(width)).join("-|-"), ...rows.map(line)].join("\n");
}

export function rowsTable(rows: Row[]): string {
  return table(
    ["bench", "figure", "target", "met?"],
    rows.map((row) => [row.bench, row.figure, row.target, metText(row.met)]),
  );
}

export function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

/** Lines in a file (results.jsonl), for a sanity check of what was recorded. */
export function countLines(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, "utf8");
  let lines = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lines++;
  return lines;
}

// ---------------------------------------------------------------- CPU profiles

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotFunction {
  name: string;
  where: string;
  selfMs: number;
  selfShare: number;
}

/** Self time per function (summed over call sites) from a .cpuprofile written by `node --cpu-prof`. */
export function hotFunctions(profileFile: string, top = 20): HotFunction[] {
  const profile = JSON.parse(readFileSync(profileFile, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  for (let index = 0; index < profile.samples.length; index++) {
    const id = profile.samples[index]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  }
  const total = profile.endTime - profile.startTime;
  const byFunction = new Map<string, HotFunction>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const file = frame.url.replace(`${pathToFileURL(repoDir).href}/`, "").replace(/^file:\/\//, "");
    const where = file ? `${file}:${frame.lineNumber + 1}` : "(native)";
    const name = frame.functionName || "(anonymous)";
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, selfMs: 0, selfShare: 0 };
    entry.selfMs += us / 1000;
    entry.selfShare = (entry.selfMs * 1000) / total;
    byFunction.set(key, entry);
  }
  return [...byFunction.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
}
