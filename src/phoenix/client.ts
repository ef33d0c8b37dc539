import { createClient, HttpError } from "@arizeai/phoenix-client";
import pRetry, { AbortError } from "p-retry";
import { EvalwireError } from "../errors.js";
import type { PhoenixConnection, PhoenixServer, RetryPolicy } from "./connection.js";

export type { PhoenixConnection, RetryPolicy } from "./connection.js";

/** The typed REST client of `@arizeai/phoenix-client`. */
export type PhoenixClient = ReturnType<typeof createClient>;

/** A retry policy for one call; `stop` ends the call at once, with no more tries (Ctrl-C while Phoenix is slow or away). */
export type CallPolicy = RetryPolicy & { stop?: AbortSignal | undefined };

export const defaultRetryPolicy: RetryPolicy = { retries: 5, minDelayMs: 250, maxDelayMs: 4000, requestTimeoutMs: 30_000 };

/** A Phoenix call that failed for good: a 4xx answer, or a network error or 5xx after every retry. */
export class PhoenixError extends EvalwireError {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
  /** The server could not be reached or kept failing, as opposed to refusing this one request. */
  get unavailable(): boolean {
    return this.status === null || this.status >= 500 || this.status === 429;
  }
}

/** The client the way evalwire makes it: settings from evalwire's own config, never from a stray `.env.phoenix`. */
export function connectPhoenix({ baseUrl, apiKey, headers }: PhoenixConnection): PhoenixClient {
  return createClient({
    options: { baseUrl: baseUrl.replace(/\/+$/, ""), headers: { ...headers, ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) } },
    getEnvironmentOptions: () => ({}),
  });
}

/** What an openapi-fetch call resolves with. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Calls Phoenix, retrying network errors, timeouts, 429 and 5xx with exponential backoff. Resolves
 * with the data of a 2xx answer; rejects with a PhoenixError naming the call and the server.
 * `accept` lets a caller take a 4xx answer as an outcome (a 409 on a retried post, say).
 */
export async function callPhoenix<T>(
  what: string,
  baseUrl: string,
  call: (signal: AbortSignal) => Promise<Answer<T>>,
  policy: CallPolicy = defaultRetryPolicy,
  accept?: (status: number, error: unknown, attempt: number) => boolean,
): Promise<{ data: T | undefined; status: number }> {
  return pRetry(
    async (attempt) => {
      let status: number;
      let data: T | undefined;
      let error: unknown;
      try {
        const timeout = AbortSignal.timeout(policy.requestTimeoutMs);
        const answer = await call(policy.stop ? AbortSignal.any([timeout, policy.stop]) : timeout);
        ({ data, error } = answer);
        status = answer.response.status;
      } catch (thrown) {
        // A 2xx answer that is not JSON: a web page, as Phoenix's UI answers every path that is not its API.
        // Retrying cannot help, and "cannot reach" would send the user the wrong way.
        if (thrown instanceof SyntaxError) throw new AbortError(new PhoenixError(`${what}: ${notTheApi(baseUrl)}`, 200));
        // The client throws an HttpError for every answer that is not 2xx; anything else is the network.
        if (!(thrown instanceof HttpError)) throw new PhoenixError(`${what}: cannot reach Phoenix at ${baseUrl} (${networkReason(thrown)})`, null);
        status = thrown.status;
        error = await thrown.response.text().catch(() => "");
      }
      if ((status >= 200 && status < 300) || accept?.(status, error, attempt)) return { data, status };
      // A proxy's 502 page is the server being away (retried below); a 4xx page is the wrong address.
      if (status < 500 && status !== 429 && typeof error === "string" && /^\s*</.test(error)) {
        throw new AbortError(new PhoenixError(`${what}: ${notTheApi(baseUrl, status)}`, status));
      }
      const failure = new PhoenixError(
        status === 401
          ? `${what}: Phoenix at ${baseUrl} answered 401${describe(error, " (", ")")}: set PHOENIX_API_KEY to a valid API key for this server`
          : `${what}: Phoenix at ${baseUrl} answered ${status}${describe(error)}`,
        status,
      );
      if (!failure.unavailable) throw new AbortError(failure);
      throw failure;
    },
    { retries: policy.retries, minTimeout: policy.minDelayMs, maxTimeout: policy.maxDelayMs, factor: 2, randomize: true, signal: policy.stop },
  );
}

function networkReason(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "no answer in time";
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.message ?? cause?.code ?? (error instanceof Error ? error.message : String(error));
}

/** For an address whose answers are web pages: Phoenix's UI answers any path that is not its REST API. */
function notTheApi(baseUrl: string, status = 200): string {
  return `${baseUrl} answered${status === 200 ? "" : ` ${status}`} with a web page, not Phoenix's REST API; set the Phoenix URL (--phoenix-url, PHOENIX_HOST or [phoenix] base_url) to the address Phoenix is served at, without a path such as /v1 or /projects`;
}

function describe(error: unknown, before = ": ", after = ""): string {
  if (error === undefined || error === null || error === "") return "";
  let text = typeof error === "string" ? error : JSON.stringify(error);
  try {
    // FastAPI words its errors as {"detail": ...}.
    const detail = (JSON.parse(text) as { detail?: unknown }).detail;
    if (detail !== undefined) text = typeof detail === "string" ? detail : JSON.stringify(detail);
  } catch {}
  return `${before}${text.split("\n")[0]!.slice(0, 300)}${after}`;
}

/** A Phoenix server as evalwire talks to it: the typed client, where it is, and how hard to retry. */
export interface Phoenix extends PhoenixServer {
  client: PhoenixClient;
}

export function openPhoenix(connection: PhoenixConnection, retry: RetryPolicy = defaultRetryPolicy): Phoenix {
  return { client: connectPhoenix(connection), baseUrl: connection.baseUrl.replace(/\/+$/, ""), retry };
}

/** The experiment's page in the Phoenix UI. */
export function experimentUrl(baseUrl: string, datasetId: string, experimentId: string): string {
  return `${baseUrl}/datasets/${encodeURIComponent(datasetId)}/compare?experimentId=${encodeURIComponent(experimentId)}`;
}
