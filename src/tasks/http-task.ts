import { getProperty, hasProperty } from "dot-prop";
import type { Example, Task } from "../types.js";
import type { HttpSpec } from "./task-spec.js";
import { asText, render } from "./template.js";

/** http: with the environment read: `url` and `headers` hold no `${NAME}` any more; `shownUrl` is the url as written. */
export type HttpRequestSpec = HttpSpec & { headers: Record<string, string>; shownUrl: string };

/**
 * A non-2xx answer. It carries `status` and `headers` as HTTP clients do, so `--retries` treats a
 * 429 or a 5xx as transient and honours Retry-After.
 */
export class HttpStatusError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly headers: Headers,
  ) {
    super(message);
    this.name = "HttpStatusError";
  }
}

/** An http: task: one request per example; the answer (or its `output` field) is the output. */
export function httpTask(spec: HttpRequestSpec, where: string): Task {
  return async (example, ctx) => {
    const answer = await request(spec, exampleScope(example, ctx.repetition), ctx.signal, where);
    return outputOf(answer, spec.output, "http.output");
  };
}

/** What a template reads in every call. */
export function exampleScope(example: Example, repetition: number): Record<string, unknown> {
  return { id: example.id, input: example.input, expected: example.output, metadata: example.metadata, repetition };
}

/**
 * Sends one request built from the templates and returns the answer: parsed JSON when it is JSON
 * (always when `output` is set), else its text. Errors name the request as written in task.yaml,
 * so a secret read from the environment into the url never shows.
 */
export async function request(spec: HttpRequestSpec, scope: Record<string, unknown>, signal: AbortSignal, where: string): Promise<unknown> {
  const url = String(render(spec.url, scope, "http.url", encodeURIComponent));
  const shown = `${spec.method} ${spec.shownUrl}`;
  const headers = new Headers(render(spec.headers, scope, "http.headers", (text) => text) as Record<string, string>);
  let body: string | undefined;
  if (spec.method !== "GET") {
    const value = spec.body === undefined ? scope.input : render(spec.body, scope, "http.body");
    if (typeof value === "string") {
      body = value;
      if (!headers.has("content-type")) headers.set("content-type", "text/plain; charset=utf-8");
    } else {
      body = JSON.stringify(value ?? null);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
  }
  const signals = spec.timeout ? [signal, AbortSignal.timeout(spec.timeout)] : [signal];
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { method: spec.method, headers, body, signal: AbortSignal.any(signals) });
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw error;
    // A TimeoutError or a reset stays the cause, so --retries sees it as transient; a TimeoutError
    // is recorded with the status "timeout", as evalwire's own --timeout is.
    if ((error as Error).name === "TimeoutError") throw timeoutError(`${shown}: no answer within ${spec.timeout} ms (http.timeout in ${where})`, error);
    const reason = (error as { cause?: { code?: string; message?: string } }).cause;
    const said = reason?.code ? (networkHints[reason.code] ?? reason.code) : (reason?.message ?? (error as Error).message);
    throw new Error(`${shown}: ${said}`, { cause: error });
  }
  if (!response.ok) {
    const said = text.trim().split("\n")[0]!.slice(0, 200);
    throw new HttpStatusError(`${shown}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}${said ? `: ${said}` : ""}`, response.status, response.headers);
  }
  const isJson = /\bjson\b/i.test(response.headers.get("content-type") ?? "");
  if (isJson || spec.output !== undefined) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`${shown}: the answer is not JSON (${(error as Error).message.split("\n")[0]}): ${JSON.stringify(text.slice(0, 80))}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The network errors a first try meets most, said with what to check. */
const networkHints: Record<string, string> = {
  ECONNREFUSED: "connection refused (ECONNREFUSED): is the service running at that address?",
  ENOTFOUND: "host not found (ENOTFOUND): check the host in http.url",
};

function timeoutError(message: string, cause: unknown): Error {
  const error = new Error(message, { cause });
  error.name = "TimeoutError";
  return error;
}

/** The answer's `path` field (the whole answer without one); a missing field is an error showing what came. */
export function outputOf(answer: unknown, path: string | undefined, key = "output"): unknown {
  if (path === undefined) return answer;
  if (answer === null || typeof answer !== "object" || !hasProperty(answer, path)) {
    throw new Error(`the answer has no ${path} (${key}); it was ${shortJson(answer)}`);
  }
  return getProperty(answer as Record<string, unknown>, path);
}

function shortJson(value: unknown): string {
  const text = asText(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
