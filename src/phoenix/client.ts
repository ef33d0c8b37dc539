import { createClient, HttpError } from "@arizeai/phoenix-client";
import pRetry, { AbortError } from "p-retry";
import { EvalwireError } from "../errors.js";
import type { PhoenixConnection, PhoenixServer, RetryPolicy } from "./connection.js";

export type { PhoenixConnection, RetryPolicy } from "./connection.js";

/** The typed REST client of `@arizeai/phoenix-client`. */
export type PhoenixClient = ReturnType<typeof createClient>;

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
  policy: RetryPolicy = defaultRetryPolicy,
  accept?: (status: number, error: unknown, attempt: number) => boolean,
): Promise<{ data: T | undefined; status: number }> {
  return pRetry(
    async (attempt) => {
      let status: number;
      let data: T | undefined;
      let error: unknown;
      try {
        const answer = await call(AbortSignal.timeout(policy.requestTimeoutMs));
        ({ data, error } = answer);
        status = answer.response.status;
      } catch (thrown) {
        // The client throws an HttpError for every answer that is not 2xx; anything else is the network.
        if (!(thrown instanceof HttpError)) throw new PhoenixError(`${what}: cannot reach Phoenix at ${baseUrl} (${networkReason(thrown)})`, null);
        status = thrown.status;
        error = await thrown.response.text().catch(() => "");
      }
      if ((status >= 200 && status < 300) || accept?.(status, error, attempt)) return { data, status };
      const failure = new PhoenixError(`${what}: Phoenix at ${baseUrl} answered ${status}${describe(error)}`, status);
      if (!failure.unavailable) throw new AbortError(failure);
      throw failure;
    },
    { retries: policy.retries, minTimeout: policy.minDelayMs, maxTimeout: policy.maxDelayMs, factor: 2, randomize: true },
  );
}

function networkReason(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "no answer in time";
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.message ?? cause?.code ?? (error instanceof Error ? error.message : String(error));
}

function describe(error: unknown): string {
  if (error === undefined || error === null || error === "") return "";
  let text = typeof error === "string" ? error : JSON.stringify(error);
  try {
    // FastAPI words its errors as {"detail": ...}.
    const detail = (JSON.parse(text) as { detail?: unknown }).detail;
    if (detail !== undefined) text = typeof detail === "string" ? detail : JSON.stringify(detail);
  } catch {}
  return `: ${text.split("\n")[0]!.slice(0, 300)}`;
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
