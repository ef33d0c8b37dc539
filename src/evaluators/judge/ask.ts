import { setTimeout as sleep } from "node:timers/promises";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { answerFormat, JudgeAnswerError } from "./answer.js";
import { retryAfterMs } from "./retry-after.js";
import type { SharedSlots } from "./shared-slots.js";

export interface JudgeEndpoint {
  baseUrl: string;
  apiKeyEnv: string;
  timeoutMs: number;
  retries: number;
}

/** A judge call that failed for good: an evaluator error, never a low score. */
export class JudgeError extends Error {}

/** A server that asks for a longer wait than this is given up on at once rather than waited for. */
const longestWaitMs = 60_000;

/**
 * Sends one chat-completions request for a structured answer and returns the message's content.
 * Retries 408, 409, 429, 5xx, timeouts and network errors, waiting as `Retry-After` says (else
 * backing off), and takes one of the run's judge slots per try, so a wait never holds one.
 */
export async function askJudge(endpoint: JudgeEndpoint, request: { model: string; messages: ChatCompletionMessageParam[] }, slots: SharedSlots, signal: AbortSignal | undefined): Promise<string> {
  const apiKey = process.env[endpoint.apiKeyEnv];
  if (!apiKey) {
    throw new JudgeError(`the environment variable ${endpoint.apiKeyEnv} is not set (the judge's API key; [judge] api_key_env names the variable; an endpoint that needs no key takes any value)`);
  }
  // Loaded on the first judge call: every experiment's worker loads the evaluators, few call a judge.
  const sdk = await import("openai");
  // The SDK's own retries sleep without heeding the abort signal, so evalwire retries itself.
  const client = new sdk.default({ apiKey, baseURL: endpoint.baseUrl, maxRetries: 0, timeout: endpoint.timeoutMs });
  const hide = (text: string) => text.replaceAll(apiKey, "[redacted]");

  for (let attempt = 1; ; attempt++) {
    try {
      const completion = await slots.run(() => client.chat.completions.create({ ...request, response_format: answerFormat }, { signal }), signal);
      const choice = completion.choices?.[0];
      if (!choice) throw new JudgeAnswerError("the judge's answer has no choices");
      if (choice.message?.refusal) throw new JudgeAnswerError(hide(`the judge refused: ${choice.message.refusal}`));
      if (choice.finish_reason === "length") throw new JudgeAnswerError("the judge's answer was cut off (finish_reason: length)");
      return choice.message?.content ?? "";
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof JudgeAnswerError) throw error;
      const failure = describe(sdk, error, endpoint);
      if (!failure) throw error;
      const tries = attempt > 1 ? ` (after ${attempt} tries)` : "";
      if (!failure.retryable || attempt > endpoint.retries) throw new JudgeError(hide(`${failure.message}${tries}`));
      const waitMs = failure.waitMs ?? backoffMs(attempt);
      if (waitMs > longestWaitMs) throw new JudgeError(hide(`${failure.message}; it asks to retry after ${Math.round(waitMs / 1000)} s, longer than evalwire waits (${longestWaitMs / 1000} s)`));
      await sleep(waitMs, undefined, { signal });
    }
  }
}

function describe(sdk: typeof import("openai"), error: unknown, endpoint: JudgeEndpoint): { message: string; retryable: boolean; waitMs: number | null } | null {
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = sdk;
  const where = `the judge at ${endpoint.baseUrl}`;
  if (error instanceof APIUserAbortError) return null;
  if (error instanceof APIConnectionTimeoutError) return { message: `${where} gave no answer within ${endpoint.timeoutMs} ms`, retryable: true, waitMs: null };
  if (error instanceof APIConnectionError) {
    // fetch fails with "fetch failed"; the reason (ECONNREFUSED…) is its cause's code.
    const cause = error.cause as { message?: string; cause?: { code?: string } } | undefined;
    return { message: `cannot reach ${where} (${cause?.cause?.code ?? cause?.message ?? error.message})`, retryable: true, waitMs: null };
  }
  if (!(error instanceof APIError) || error.status === undefined) return null;
  const status = error.status;
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  const hint = status === 401 || status === 403 ? ` (check the key in ${endpoint.apiKeyEnv})` : status === 404 ? " (check [judge] base_url and model)" : "";
  const detail = error.message.replace(/^\d+ /, "").split("\n")[0]!.slice(0, 300);
  return { message: `${where} answered ${status}: ${detail}${hint}`, retryable, waitMs: error.headers ? retryAfterMs(error.headers) : null };
}

/** 0.5 s, 1 s, 2 s… up to 8 s, less up to a quarter at random so parallel judges do not retry in step. */
function backoffMs(attempt: number): number {
  return Math.min(500 * 2 ** (attempt - 1), 8000) * (1 - Math.random() * 0.25);
}
