import { randomUUID } from "node:crypto";
import { getProperty } from "dot-prop";
import type { Task } from "../types.js";
import { exampleScope, type HttpRequestSpec, outputOf, request } from "./http-task.js";

export interface ScenarioSpec {
  /** Dot path into each answer to the tools the agent used in that turn (names, or calls with a name). */
  tools?: string | undefined;
}

interface Message {
  role: string;
  content: unknown;
  [key: string]: unknown;
}

/**
 * A messages: task (axon-eval's conversation): each user message of the example's
 * `input.messages` is one turn, sent to the http: endpoint with the transcript so far; the output
 * is the transcript, `{ messages: [...] }`, where each assistant message carries the turn's
 * `durationMs` and the `tool_calls` it reported, as toolsUsed, toolCallCorrectness and the text
 * evaluators read a chat. Messages of other roles (a system prompt) join the transcript unsent.
 */
export function messagesTask(spec: HttpRequestSpec, scenario: ScenarioSpec, where: string): Task {
  // Without a body, a turn is sent as a chat-completions request would be: the transcript so far.
  const http: HttpRequestSpec = { ...spec, body: spec.body ?? { messages: "{{ messages }}" } };
  return async (example, ctx) => {
    const turns = (example.input as { messages?: unknown } | null)?.messages;
    if (!Array.isArray(turns) || turns.length === 0) {
      throw new Error(`the example has no input.messages, the scenario's turns (a list of texts or { role, content }); ${where} declares messages:`);
    }
    const transcript: Message[] = [];
    const session = randomUUID();
    let turn = 0;
    for (const [index, entry] of turns.entries()) {
      const message = asMessage(entry, index);
      if (message.role !== "user") {
        transcript.push(message);
        continue;
      }
      turn++;
      const history = transcript.map(({ role, content }) => ({ role, content }));
      const scope = {
        ...exampleScope(example, ctx.repetition),
        message: message.content,
        history,
        messages: [...history, { role: "user", content: message.content }],
        turn,
        session,
      };
      const start = performance.now();
      let answer: unknown;
      try {
        answer = await request(http, scope, ctx.signal, where);
      } catch (error) {
        throw new Error(`turn ${turn}: ${(error as Error).message}`, { cause: error });
      }
      const durationMs = Math.round((performance.now() - start) * 1000) / 1000;
      const reply = turnOutput(answer, spec.output, turn);
      const calls = scenario.tools === undefined ? [] : toolCalls(answer, scenario.tools, turn);
      transcript.push(message, { role: "assistant", content: reply, ...(calls.length > 0 ? { tool_calls: calls } : {}), durationMs });
    }
    return { messages: transcript };
  };
}

function asMessage(entry: unknown, index: number): Message {
  if (typeof entry === "string") return { role: "user", content: entry };
  if (entry !== null && typeof entry === "object" && typeof (entry as Message).role === "string" && "content" in entry) return { ...(entry as Message) };
  throw new Error(`input.messages.${index}: expected a text or { role, content } (got ${JSON.stringify(entry)?.slice(0, 80)})`);
}

function turnOutput(answer: unknown, path: string | undefined, turn: number): unknown {
  try {
    return outputOf(answer, path, "http.output");
  } catch (error) {
    throw new Error(`turn ${turn}: ${(error as Error).message}`);
  }
}

/** The tools a turn used, as `{ name, arguments? }` calls; a name alone becomes `{ name }`. Absent means none. */
function toolCalls(answer: unknown, path: string, turn: number): unknown[] {
  const found: unknown = answer !== null && typeof answer === "object" ? getProperty(answer as Record<string, unknown>, path) : undefined;
  if (found === undefined || found === null) return [];
  if (!Array.isArray(found)) throw new Error(`turn ${turn}: the answer's ${path} (messages.tools) must be a list of tool names or calls (got ${JSON.stringify(found).slice(0, 80)})`);
  return found.map((call) => (typeof call === "string" ? { name: call } : call));
}
