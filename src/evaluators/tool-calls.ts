import { readCollection } from "./values.js";

/** One tool call, whatever shape the agent reported it in. */
export interface ToolCall {
  name: string;
  /** The arguments: an object when they were one or a JSON string of one; else as given. */
  arguments?: unknown;
}

/**
 * The tool calls in an output, in order. Accepted shapes (a JSON string of any is read too):
 * - `{ tool_calls: [...] }` (or `toolCalls`), or an array of calls, each call being
 *   `{ name, arguments }` (`args` and `input` are read too), OpenAI's
 *   `{ type: "function", function: { name, arguments: "<JSON>" } }`, or Anthropic's
 *   `{ type: "tool_use", name, input }`;
 * - `{ messages: [...] }`, or an array of messages: OpenAI chat messages whose `tool_calls` (or
 *   legacy `function_call`) hold calls, and messages whose `content` parts are `tool_use` blocks.
 * Anything else has no tool calls.
 */
export function toolCallsOf(output: unknown): ToolCall[] {
  if (typeof output === "string") {
    const collection = readCollection(output);
    return collection ? toolCallsOf(collection) : [];
  }
  if (Array.isArray(output)) return output.flatMap((item) => (isRecord(item) && typeof item.role === "string" ? fromMessage(item) : callsIn([item])));
  if (!isRecord(output)) return [];
  const calls = output.tool_calls ?? output.toolCalls;
  if (Array.isArray(calls)) return callsIn(calls);
  if (Array.isArray(output.messages)) return toolCallsOf(output.messages);
  return [];
}

/** Reads calls given by a user or a dataset (`expect`, `expected.tool_calls`); undefined when a call has no name. */
export function toCall(value: unknown): ToolCall | undefined {
  if (!isRecord(value)) return undefined;
  const fn = isRecord(value.function) ? value.function : value;
  if (typeof fn.name !== "string") return undefined;
  const args = fn.arguments ?? fn.args ?? fn.input;
  return args === undefined ? { name: fn.name } : { name: fn.name, arguments: parseArguments(args) };
}

function fromMessage(message: Record<string, unknown>): ToolCall[] {
  const calls = Array.isArray(message.tool_calls) ? callsIn(message.tool_calls) : [];
  if (isRecord(message.function_call)) calls.push(...callsIn([message.function_call]));
  if (Array.isArray(message.content)) calls.push(...callsIn(message.content.filter((part) => isRecord(part) && part.type === "tool_use")));
  return calls;
}

function callsIn(items: unknown[]): ToolCall[] {
  return items.map(toCall).filter((call): call is ToolCall => call !== undefined);
}

/** Arguments as an object: a JSON string is parsed, and an empty one (some providers' no-argument call) is `{}`. */
function parseArguments(args: unknown): unknown {
  if (typeof args !== "string") return args;
  if (args.trim() === "") return {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
