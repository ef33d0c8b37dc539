import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the fake endpoint received it. */
export interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
  receivedAt: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  /** Waits this long before answering (a slow model). */
  delayMs?: number;
}

export type Handler = (request: SeenRequest, index: number) => Reply | Promise<Reply>;

export interface FakeLlm {
  /** The API root to give as base_url, such as http://127.0.0.1:PORT/v1. */
  baseUrl: string;
  requests: SeenRequest[];
  /** The most requests that were being answered at the same moment. */
  maxInFlight: number;
  handle: Handler;
  close(): Promise<void>;
}

/** A chat-completions answer whose message content is `content`. */
export function completion(content: string | null, extra: { finish_reason?: string; refusal?: string } = {}): Reply {
  return {
    body: {
      id: "chatcmpl-fake",
      object: "chat.completion",
      created: 0,
      model: "fake-judge",
      choices: [{ index: 0, finish_reason: extra.finish_reason ?? "stop", message: { role: "assistant", content, refusal: extra.refusal ?? null } }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    },
  };
}

/** A well-formed judge verdict. */
export function verdict(pass: boolean, score: number, reason: string): Reply {
  return completion(JSON.stringify({ pass, score, reason }));
}

/**
 * A small server on 127.0.0.1 (a free port) that speaks the chat-completions protocol: the model
 * is an outside paid service, so tests script its answers, faults included. `handle` may be
 * swapped between calls.
 */
export async function startFakeLlm(handle: Handler): Promise<FakeLlm> {
  let inFlight = 0;
  const fake: FakeLlm = { baseUrl: "", requests: [], maxInFlight: 0, handle, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    // In flight until the answer is sent or the client hangs up (a timed-out judge).
    inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    let text = "";
    for await (const chunk of req) text += chunk;
    const seen: SeenRequest = { path: req.url ?? "", headers: req.headers, body: text ? JSON.parse(text) : {}, receivedAt: Date.now() };
    fake.requests.push(seen);
    const reply = await fake.handle(seen, fake.requests.length - 1);
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    const body = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
