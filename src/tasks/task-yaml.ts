import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { LoadError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import type { Task } from "../types.js";
import { commandTask } from "./command-task.js";
import { httpTask } from "./http-task.js";
import { messagesTask } from "./messages-task.js";
import { type TaskSpec, taskSpecSchema } from "./task-spec.js";
import { expandEnv, templateRoots, unclosedTemplate } from "./template.js";

/** What a template may read in every call, and in a scenario's turns too. */
const exampleRoots = ["id", "input", "expected", "metadata", "repetition"];
const turnRoots = ["message", "messages", "history", "turn", "session"];

/** A task.yaml (or task.yml) as a task function; any problem is a LoadError naming the file, line and key. */
export function loadTaskYaml(file: string, env: NodeJS.ProcessEnv = process.env): Task {
  const spec = readTaskSpec(file);
  const where = shownPath(file);
  try {
    if (spec.http) {
      const http = {
        ...spec.http,
        url: httpUrl(spec.http.url, env),
        shownUrl: spec.http.url,
        headers: Object.fromEntries(Object.entries(spec.http.headers ?? {}).map(([name, value]) => [name, expandEnv(value, env, `http.headers.${name}`)])),
      };
      return withoutStacks(spec.messages !== undefined ? messagesTask(http, spec.messages ?? {}, where) : httpTask(http, where));
    }
    const dir = dirname(file);
    const args = spec.command!.map((arg, index) => expandEnv(arg, env, `command.${index}`));
    const cwd = resolve(dir, spec.cwd ?? ".");
    if (!existsSync(cwd) || !statSync(cwd).isDirectory()) throw new Error(`cwd: no folder ${shownPath(cwd)} (it is relative to the experiment folder)`);
    const childEnv = Object.fromEntries(Object.entries(spec.env ?? {}).map(([name, value]) => [name, expandEnv(value, env, `env.${name}`)]));
    return withoutStacks(commandTask({ args, cwd, env: childEnv, output: spec.output }));
  } catch (error) {
    throw new LoadError(`${where}: ${(error as Error).message}`);
  }
}

function httpUrl(template: string, env: NodeJS.ProcessEnv): string {
  const url = expandEnv(template, env, "http.url");
  // Only the variable's name is shown: the value may hold a key.
  if (!isHttpUrl(url)) throw new Error(`http.url: expected an http:// or https:// URL (${template} does not give one)`);
  return url;
}

/** A URL template that gives an http(s) URL, whatever its {{ placeholders }} hold (a template may give the whole URL). */
function isHttpUrl(template: string): boolean {
  return template.startsWith("{{") || /^https?:\/\/[^/]/i.test(template);
}

/** A declared task's errors are about the request or the program, never about evalwire's frames: no stack is recorded. */
function withoutStacks(task: Task): Task {
  return async (example, ctx) => {
    try {
      return await task(example, ctx);
    } catch (error) {
      if (error instanceof Error) error.stack = `${error.name}: ${error.message}`;
      throw error;
    }
  };
}

/**
 * Reads and checks a task.yaml: YAML, then every key, then the keys that go together. Nothing is
 * read from the environment here, so the cache key can be computed from it too.
 */
export function readTaskSpec(file: string): TaskSpec {
  const where = shownPath(file);
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (error) {
    throw new LoadError(`${where}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const lines = new LineCounter();
  const document = parseDocument(source, { lineCounter: lines, uniqueKeys: true });
  // The line of the key at fault, or of the nearest table holding it (a key that is missing).
  const at = (path: (string | number)[]) => {
    for (let length = path.length; length > 0; length--) {
      const node = document.getIn(path.slice(0, length), true);
      const offset = isNode(node) ? node.range?.[0] : undefined;
      if (offset === undefined) continue;
      const { line, col } = lines.linePos(offset);
      return `${where}:${line}:${col}`;
    }
    return where;
  };
  const broken = document.errors[0];
  if (broken) {
    const position = broken.linePos?.[0];
    // `{ K: ${HOME} }`: in a flow table or list, YAML reads the { of ${ as a table of its own.
    const line = position ? (source.split(/\r?\n/)[position.line - 1] ?? "") : "";
    const hint = /\$\{/.test(line) && /[[{]/.test(line.replace(/\$\{/g, "")) ? `; quote a value holding \${NAME} ("\${NAME}"), or write it in block style on its own line` : "";
    throw new LoadError(`${where}${position ? `:${position.line}:${position.col}` : ""}: invalid YAML: ${broken.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}${hint}`);
  }
  const data: unknown = document.toJS() ?? {};
  if (typeof data !== "object" || Array.isArray(data)) throw new LoadError(`${where}: expected a table with http: or command: (got ${Array.isArray(data) ? "a list" : JSON.stringify(data)})`);
  const parsed = taskSpecSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path as (string | number)[];
    const place = issue.code === "unrecognized_keys" ? [...path, issue.keys[0]!] : path;
    throw new LoadError(`${at(place)}: ${describeIssue(issue, path, data)}`);
  }
  const spec = parsed.data;
  const problem = combinationProblem(spec, data as Record<string, unknown>);
  if (problem) throw new LoadError(`${at(problem.path)}: ${problem.message}`);
  return spec;
}

/** Keys that are each fine but do not go together. */
function combinationProblem(spec: TaskSpec, data: Record<string, unknown>): { path: (string | number)[]; message: string } | null {
  if (spec.http && spec.command) return { path: ["command"], message: "http: and command: exclude each other; keep one (a task is a request or a program)" };
  if (!spec.http && !spec.command) {
    return { path: [], message: "declare the task: http: (a request per example, with url) or command: (a program run per example, such as [python3, agent.py])" };
  }
  if (spec.http) {
    for (const key of ["env", "cwd", "output"] as const) {
      if (key in data) return { path: [key], message: `${key}: goes with command:; for http: ${key === "output" ? "write it under http: (http.output)" : "leave it out"}` };
    }
    if (spec.http.method === "GET" && spec.http.body !== undefined)
      return { path: ["http", "body"], message: "http.body: a GET request has no body; use method: POST, or put the values in the url" };
    const allowed = spec.messages !== undefined ? [...exampleRoots, ...turnRoots] : exampleRoots;
    for (const [key, template] of [
      ["http.url", spec.http.url],
      ["http.body", spec.http.body],
      ["http.headers", spec.http.headers],
    ] as const) {
      const unclosed = unclosedTemplate(template);
      if (unclosed !== undefined) return { path: key.split("."), message: `${key}: ${shownValue(unclosed)} has a {{ with no }} to close it; close it ({{ input.query }}), or remove it` };
      const unknown = templateRoots(template).find((root) => !allowed.includes(root));
      if (unknown !== undefined) {
        const hint = spec.messages === undefined && turnRoots.includes(unknown) ? " (only in a scenario: add messages:)" : "";
        return { path: key.split("."), message: `${key}: {{ ${unknown} }} is not something a template can read${hint}; use ${allowed.join(", ")}` };
      }
    }
    if (!spec.http.url.startsWith("${") && !isHttpUrl(spec.http.url))
      return { path: ["http", "url"], message: `http.url: expected an http:// or https:// URL (got ${JSON.stringify(spec.http.url)})` };
    return null;
  }
  if (spec.messages !== undefined) return { path: ["messages"], message: "messages: a scenario is sent to an http: endpoint; add http: with its url, or remove messages:" };
  const templated = spec.command!.findIndex((arg) => arg.includes("{{"));
  if (templated !== -1) return { path: ["command", templated], message: `command.${templated}: {{ }} is not filled in a command's arguments; the program reads the example as JSON on stdin` };
  return null;
}

function describeIssue(issue: z.core.$ZodIssue, path: (string | number)[], data: unknown): string {
  const key = path.join(".");
  if (issue.code === "unrecognized_keys") {
    const known: Record<string, string> = { "": "http, command, env, cwd, output, messages", http: "url, method, headers, body, output, timeout", messages: "tools" };
    const names = issue.keys.map((name) => (key ? `${key}.${name}` : name)).join(", ");
    return `unknown key ${names}; known keys here: ${known[key] ?? "(see the README)"}`;
  }
  // A header's value may be a secret pasted in place of ${NAME}: it is never echoed.
  const secret = path[0] === "http" && path[1] === "headers";
  return `${key || "(top level)"}: ${issue.message}${secret ? "" : ` (got ${shownValue(valueAt(data, path))})`}`;
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  let value = data;
  for (const key of path) value = value !== null && typeof value === "object" ? (value as Record<string | number, unknown>)[key] : undefined;
  return value;
}

function shownValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
