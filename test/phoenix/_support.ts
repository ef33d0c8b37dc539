/**
 * Helpers shared by the tests against a real Phoenix server (not a test file: no `.test.`).
 * Datasets are uploaded and read back over Phoenix's REST API with plain fetch, so what the tests
 * check is what the server holds, not what evalwire's own client thinks it sent. Every CLI run goes
 * through test/helpers/cli.ts (the built CLI, a clean environment).
 */
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { afterEach, expect } from "vitest";
import { type CliResult, fixtures, readResults, readRun, runCli, runFolders, tempDir } from "../helpers/cli.js";

export { waitFor } from "../e2e/_support.js";
export { readResults, readRun, runFolders };

/** The experiment folder every Phoenix test copies: a task and two evaluators driven by each example's input. */
export const echoFixture = join(fixtures, "phoenix-echo");

/** A dataset name no other test (or earlier run against the same server) uses. */
export function uniqueName(base: string): string {
  return `${base}_${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
}

/** A fresh temporary folder per call, removed after the test that made it. */
export function useTempDirs(): (prefix?: string) => string {
  const made: (() => void)[] = [];
  afterEach(() => {
    for (const remove of made.splice(0)) remove();
  });
  return (prefix = "evalwire-phoenix-test-") => {
    const { dir, remove } = tempDir(prefix);
    made.push(remove);
    return dir;
  };
}

// ---------------------------------------------------------------------------------------------
// Phoenix's REST API, by fetch

async function call<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export function getJson<T = any>(base: string, path: string): Promise<T> {
  return call<T>(base, "GET", path);
}

/** Every item of a cursor-paged list. */
async function allPages<T>(base: string, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const page: { data: T[]; next_cursor: string | null } = await getJson(base, `${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

export interface Row {
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  split?: string;
}

export interface Uploaded {
  datasetId: string;
  versionId: string;
}

/** Uploads examples as a new dataset ("create") or as more examples of one ("append": a new version). */
export async function uploadDataset(base: string, name: string, rows: Row[], action: "create" | "append" = "create"): Promise<Uploaded> {
  const withSplits = rows.some((row) => row.split !== undefined);
  const { data } = await call<{ data: { dataset_id: string; version_id: string } }>(base, "POST", "/v1/datasets/upload?sync=true", {
    action,
    name,
    inputs: rows.map((row) => row.input),
    outputs: rows.map((row) => row.output ?? {}),
    metadata: rows.map((row) => row.metadata ?? {}),
    ...(withSplits ? { splits: rows.map((row) => row.split ?? null) } : {}),
  });
  return { datasetId: data.dataset_id, versionId: data.version_id };
}

/** Examples for the phoenix-echo fixture: input `n` = 1..count, expected answer 2n unless listed in `wrong`. */
export function echoRows(count: number, options: { taskError?: number[]; evalError?: number[]; wrong?: number[]; sleepMs?: number; split?: (n: number) => string } = {}): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    return {
      input: {
        n,
        ...(options.taskError?.includes(n) ? { task_error: true } : {}),
        ...(options.evalError?.includes(n) ? { eval_error: true } : {}),
        ...(options.sleepMs ? { sleep_ms: options.sleepMs } : {}),
      },
      output: { answer: options.wrong?.includes(n) ? -1 : 2 * n },
      metadata: { n },
      ...(options.split ? { split: options.split(n) } : {}),
    };
  });
}

export interface ServerExperiment {
  id: string;
  dataset_id: string;
  dataset_version_id: string;
  name: string;
  description: string | null;
  repetitions: number;
  metadata: Record<string, unknown>;
  project_name: string | null;
  example_count: number;
  successful_run_count: number;
  failed_run_count: number;
  missing_run_count: number;
}

/** One run as GET /v1/experiments/{id}/json has it. */
export interface ServerRun {
  example_id: string;
  repetition_number: number;
  input: Record<string, unknown>;
  output: unknown;
  error: string | null;
  trace_id: string | null;
  annotations: { name: string; score: number | null; label: string | null; explanation: string | null; error: string | null }[];
}

export interface ServerSpan {
  name: string;
  context: { trace_id: string; span_id: string };
  parent_id: string | null;
  status_code: string;
  attributes: Record<string, unknown>;
}

export async function datasetIdByName(base: string, name: string): Promise<string> {
  const { data } = await getJson<{ data: { id: string; name: string }[] }>(base, `/v1/datasets?name=${encodeURIComponent(name)}`);
  const found = data.find((dataset) => dataset.name === name);
  if (!found) throw new Error(`no dataset "${name}" on ${base}`);
  return found.id;
}

export function datasetExperiments(base: string, datasetId: string): Promise<ServerExperiment[]> {
  return allPages<ServerExperiment>(base, `/v1/datasets/${encodeURIComponent(datasetId)}/experiments`);
}

export async function getExperiment(base: string, experimentId: string): Promise<ServerExperiment> {
  return (await getJson<{ data: ServerExperiment }>(base, `/v1/experiments/${encodeURIComponent(experimentId)}`)).data;
}

/** Every run of an experiment with its evaluations ("annotations"). */
export function experimentJson(base: string, experimentId: string): Promise<ServerRun[]> {
  return getJson<ServerRun[]>(base, `/v1/experiments/${encodeURIComponent(experimentId)}/json`);
}

/** Every span of a project (an experiment's traces go to the project named in the experiment). */
export function projectSpans(base: string, projectName: string): Promise<ServerSpan[]> {
  return allPages<ServerSpan>(base, `/v1/projects/${encodeURIComponent(projectName)}/spans?limit=1000`);
}

/** Phoenix writes spans in batches: polls until the project holds at least `count` spans (or 20 s pass), then returns them. */
export async function waitForSpans(base: string, projectName: string, count: number): Promise<ServerSpan[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const spans = await projectSpans(base, projectName).catch(() => []);
    if (spans.length >= count || Date.now() > deadline) return spans;
    await new Promise((wake) => setTimeout(wake, 250));
  }
}

/** The experiment a run recorded, from the link in its run.json. */
export function phoenixLink(runDir: string): { experimentId: string; url: string } {
  const link = readRun(runDir).links?.phoenix;
  if (!link?.experimentId) throw new Error(`no Phoenix link in ${join(runDir, "run.json")}`);
  return link;
}

// ---------------------------------------------------------------------------------------------
// Experiments folders and CLI runs

/**
 * An experiments folder under `root`: one folder per entry, a copy of the fixture (phoenix-echo by
 * default) named after the dataset, with an optional evalwire.toml of its own.
 */
export function makeExperiments(root: string, entries: { folder: string; fixture?: string; toml?: string }[]): string {
  const dir = join(root, "experiments");
  mkdirSync(dir, { recursive: true });
  for (const entry of entries) {
    const target = join(dir, entry.folder);
    cpSync(entry.fixture ?? echoFixture, target, { recursive: true });
    if (entry.toml !== undefined) writeFileSync(join(target, "evalwire.toml"), entry.toml);
  }
  return dir;
}

export type Run = CliResult & { all: string; ms: number };

/** Runs the built CLI in `cwd` against Phoenix at `url` (given as PHOENIX_HOST, the way CI sets it). */
export async function evalwire(args: string[], cwd: string, url: string | null, env: Record<string, string | undefined> = {}): Promise<Run> {
  const start = Date.now();
  const result = await runCli(args, { cwd, env: { ...(url ? { PHOENIX_HOST: url } : {}), ...env } });
  return { ...result, all: `${result.stdout}\n${result.stderr}`, ms: Date.now() - start };
}

/** Explains a failed assertion with the CLI's output. */
export function describeRun(result: CliResult): string {
  return `exit ${result.code} (signal ${result.signal})\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** The one run folder of `${prefix}_${dataset}_<timestamp>` below `<cwd>/.evalwire/runs`. */
export function runDirFor(cwd: string, dataset: string, prefix = "eval"): string {
  const matches = runFolders(cwd).filter((name) => name.startsWith(`${prefix}_${dataset}_`));
  if (matches.length !== 1) throw new Error(`expected one run folder for ${prefix}_${dataset}_*, found: ${runFolders(cwd).join(", ") || "none"}`);
  return join(cwd, ".evalwire", "runs", matches[0]!);
}

/** Complete lines of a results.jsonl being written (a half-written last line is not counted). */
export function resultLines(runDir: string): number {
  const file = join(runDir, "results.jsonl");
  return existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.endsWith("}")).length
    : 0;
}

/** Every run folder below `<cwd>/.evalwire/runs`, as paths. */
export function runDirs(cwd: string): string[] {
  const runs = join(cwd, ".evalwire", "runs");
  return existsSync(runs) ? readdirSync(runs).map((name) => join(runs, name)) : [];
}

// ---------------------------------------------------------------------------------------------
// Comparing the run store with the server

const key = (exampleId: string, repetition: number) => `${exampleId}#${repetition}`;

/**
 * The server holds exactly the runs and evaluations of results.jsonl: one run per example and
 * repetition, with the same output, error and trace id, and each evaluation with the same score,
 * label, explanation and error. Returns the counts compared.
 */
export function expectSameAsServer(local: any[], server: ServerRun[]): { runs: number; evaluations: number } {
  const serverByKey = new Map(server.map((run) => [key(run.example_id, run.repetition_number), run]));
  expect(serverByKey.size, "one server run per example and repetition").toBe(server.length);
  expect(new Set(server.map((run) => key(run.example_id, run.repetition_number)))).toEqual(new Set(local.map((result) => key(result.exampleId, result.repetition))));
  let evaluations = 0;
  for (const result of local) {
    const run = serverByKey.get(key(result.exampleId, result.repetition))!;
    const where = `example ${result.exampleId} repetition ${result.repetition}`;
    expect(run.output, `output of ${where}`).toEqual(result.output);
    expect(run.error, `error of ${where}`).toBe(result.error);
    expect(run.trace_id, `trace id of ${where}`).toBe(result.traceId);
    // One annotation per evaluator: a retried post must not have left a second one.
    expect(run.annotations.map((annotation) => annotation.name).sort(), `evaluations of ${where}`).toEqual(result.evaluations.map((e: any) => e.name).sort());
    const byName = Object.fromEntries(run.annotations.map((annotation) => [annotation.name, annotation]));
    for (const evaluation of result.evaluations) {
      const annotation = byName[evaluation.name]!;
      expect({ score: annotation.score, label: annotation.label, explanation: annotation.explanation, error: annotation.error }, `${evaluation.name} of ${where}`).toEqual({
        score: evaluation.error ? null : evaluation.score,
        label: evaluation.error ? null : evaluation.label,
        explanation: evaluation.error ? null : evaluation.explanation,
        error: evaluation.error,
      });
      evaluations++;
    }
  }
  return { runs: server.length, evaluations };
}

// ---------------------------------------------------------------------------------------------
// A proxy that forwards a request and then resets the connection instead of answering

export interface ForwardThenResetProxy {
  url: string;
  /** Requests forwarded to the server whose answers were thrown away, the connection reset instead. */
  readonly lost: string[];
  /** Status codes the server answered, per method and path pattern ("POST runs", "POST evaluations", ...). */
  readonly answers: Record<string, number[]>;
  close(): Promise<void>;
}

/** What the answer-losing proxy knows of a request when it decides. */
export interface SeenRequest {
  method: string;
  path: string;
  /** The JSON body, parsed (null when there is none or it is not JSON). */
  body: any;
}

/** "POST runs" for /v1/experiments/{id}/runs, "POST evaluations" for /v1/experiment_evaluations, else method and path. */
export function kindOf(method: string, path: string): string {
  if (/^\/v1\/experiments\/[^/]+\/runs\b/.test(path)) return `${method} runs`;
  if (path.startsWith("/v1/experiment_evaluations")) return `${method} evaluations`;
  if (path.startsWith("/v1/traces")) return `${method} traces`;
  return `${method} ${path.split("?")[0]}`;
}

/**
 * For the case test/phoenix/fault-proxy.ts cannot make: the request reaches Phoenix and is carried
 * out (a run is recorded), then the client sees ECONNRESET instead of the answer, and retries the
 * same post. `lose` sees each request with its body and picks those whose answers are lost.
 */
export async function startForwardThenResetProxy(target: string, lose: (request: SeenRequest) => string | null): Promise<ForwardThenResetProxy> {
  const base = new URL(target);
  const lost: string[] = [];
  const answers: Record<string, number[]> = {};
  const sockets = new Set<Socket>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks);
      let body: any = null;
      try {
        body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : null;
      } catch {}
      const method = request.method ?? "GET";
      const path = request.url ?? "/";
      const why = lose({ method, path, body });
      const headers: Record<string, string | string[] | undefined> = { ...request.headers, host: base.host, "content-length": String(raw.length) };
      delete headers.connection;
      delete headers["keep-alive"];
      delete headers["transfer-encoding"];
      const upstream = httpRequest({ hostname: base.hostname, port: base.port, method, path, headers }, (answer) => {
        const kind = kindOf(method, path);
        answers[kind] = [...(answers[kind] ?? []), answer.statusCode ?? 0];
        if (why !== null) {
          // Read the whole answer, so the server is done with the request, then reset the client.
          answer.resume();
          answer.on("end", () => {
            lost.push(why);
            request.socket.resetAndDestroy();
          });
          return;
        }
        const copy = { ...answer.headers };
        delete copy.connection;
        delete copy["keep-alive"];
        response.writeHead(answer.statusCode ?? 502, copy);
        answer.pipe(response);
      });
      upstream.on("error", (error) => {
        if (!response.headersSent) response.writeHead(502).end(`proxy: ${error.message}`);
        else response.destroy(error);
      });
      upstream.end(raw);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolveListen);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lost,
    answers,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
