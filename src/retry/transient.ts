/**
 * Which task errors are worth another try (DESIGN.md section 18): HTTP 429 and 5xx, network
 * resets and timeouts, and anything that says `retryable: true`. Everything else (a 400, a
 * TypeError in the task) fails the same way again and is not retried.
 *
 * The answer is plain data, so it can be worked out where the error was thrown (a worker thread)
 * and sent on: an Error loses its extra properties on the way.
 */
export interface ErrorClass {
  /** Why the error looks transient ("HTTP 429", "ECONNRESET", "retryable"), or null. */
  transient: string | null;
  /** The HTTP status found on the error or its causes. */
  status: number | null;
  /** How long the server asked to wait (Retry-After, retry-after-ms), in ms. */
  retryAfterMs: number | null;
}

/** Node, undici and DNS codes of a connection that broke or took too long: another try may work. */
const transientCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** 408 Request Timeout, 425 Too Early, 429 Too Many Requests, and server errors but 501 Not Implemented and 505. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

export function classifyError(error: unknown, now = Date.now()): ErrorClass {
  const chain = causes(error);
  const status = chain.map(statusOf).find((each) => each !== null) ?? null;
  const retryAfterMs = chain.map((each) => retryAfterOf(each, now)).find((each) => each !== null) ?? null;
  return { transient: transientReason(chain, status), status, retryAfterMs };
}

function transientReason(chain: object[], status: number | null): string | null {
  // An explicit answer from the thrower wins, either way.
  const flagged = chain.find((each) => typeof (each as { retryable?: unknown }).retryable === "boolean") as { retryable: boolean } | undefined;
  if (flagged) return flagged.retryable ? "retryable" : null;
  if (status !== null) return isTransientStatus(status) ? `HTTP ${status}` : null;
  for (const each of chain) {
    const code = (each as { code?: unknown }).code;
    if (typeof code === "string" && transientCodes.has(code)) return code;
    // fetch with AbortSignal.timeout() rejects with a DOMException named TimeoutError.
    if ((each as { name?: unknown }).name === "TimeoutError") return "TimeoutError";
  }
  return null;
}

/** The error and its causes, outermost first (at most 8: a cause loop ends). */
function causes(error: unknown): object[] {
  const chain: object[] = [];
  for (let each = error; typeof each === "object" && each !== null && chain.length < 8 && !chain.includes(each); each = (each as { cause?: unknown }).cause) {
    chain.push(each);
  }
  return chain;
}

/** `status`, `statusCode` or `response.status`: how HTTP clients (fetch, axios, got, the OpenAI and Anthropic SDKs) carry it. */
function statusOf(error: object): number | null {
  const candidates = [(error as { status?: unknown }).status, (error as { statusCode?: unknown }).statusCode, (error as { response?: { status?: unknown } }).response?.status];
  const found = candidates.find((value) => typeof value === "number" && Number.isInteger(value) && value >= 100 && value <= 599);
  return (found as number | undefined) ?? null;
}

function retryAfterOf(error: object, now: number): number | null {
  const sources = [(error as { headers?: unknown }).headers, (error as { response?: { headers?: unknown } }).response?.headers];
  for (const headers of sources) {
    const ms = header(headers, "retry-after-ms");
    if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));
    const after = header(headers, "retry-after");
    if (after !== null) {
      const parsed = parseRetryAfter(after, now);
      if (parsed !== null) return parsed;
    }
  }
  return null;
}

/** `Retry-After` as RFC 9110 has it: delay-seconds, or an HTTP date (a date in the past means now). */
export function parseRetryAfter(value: string, now = Date.now()): number | null {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return null;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** A header from a Headers object (fetch) or a plain record (axios, node:http), any case. */
function header(headers: unknown, name: string): string | null {
  if (typeof headers !== "object" || headers === null) return null;
  if (typeof (headers as { get?: unknown }).get === "function") {
    const value = (headers as { get(name: string): unknown }).get(name);
    return typeof value === "string" ? value : null;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === "string") return value;
    if (typeof value === "number") return String(value);
    if (Array.isArray(value) && typeof value[0] === "string") return value[0];
  }
  return null;
}
