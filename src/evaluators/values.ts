import type { Score } from "../types.js";
import { parsePythonLiteral } from "./python-literal.js";

/**
 * A string holding a list, tuple or dict, as a Python literal (`"['a', 'b']"`, what the Python
 * evalwire's upload stores) or as JSON (`'{"a": true}'`); undefined for anything else.
 */
export function readCollection(text: string): unknown[] | Record<string, unknown> | undefined {
  let parsed = parsePythonLiteral(text);
  if (!parsed) {
    try {
      parsed = { value: JSON.parse(text) };
    } catch {
      return undefined;
    }
  }
  const { value } = parsed;
  return value !== null && typeof value === "object" ? (value as unknown[] | Record<string, unknown>) : undefined;
}

/**
 * The expected values, as the Python evalwire's `_parse_expected` reads them, without its bug:
 * absent → none; a list → its items; a string holding a list or tuple → its items; a string holding
 * a dict or JSON object → that object; any other string stays the string (`"42"` is not 42);
 * any other value → itself.
 */
export function expectedItems(raw: unknown): unknown[] {
  if (raw === undefined) return [];
  if (Array.isArray(raw)) return raw;
  if (typeof raw === "string") {
    const collection = readCollection(raw);
    if (Array.isArray(collection)) return collection;
    return [collection ?? raw];
  }
  return [raw];
}

/**
 * Equal by value: objects whatever their key order, numbers whatever their notation. A string
 * holding a list or object (JSON or a Python literal) equals that list or object.
 */
/** Equal by value, as Python's `==` on JSON values (but true is not 1): arrays in order, objects whatever their key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (deepEqual(a, b)) return true;
  if (typeof a === "string" && b !== null && typeof b === "object") return deepEqual(readCollection(a), b);
  if (typeof b === "string" && a !== null && typeof a === "object") return deepEqual(a, readCollection(b));
  return false;
}

/** False as Python's `bool()` finds it: null, false, 0, "", an empty list or object. */
export function isPythonFalse(value: unknown): boolean {
  if (value === null || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}

/**
 * The text of an output, for checks on what was said: a string as it is; null → ""; a chat
 * transcript (see transcriptText) → its assistant messages' text; anything else → its JSON.
 */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value !== "object") return String(value);
  return transcriptText(value) ?? JSON.stringify(value);
}

/**
 * A chat transcript's assistant text, one message per line: `{ messages: [...] }` (what a
 * messages: task returns) or an array of messages (OpenAI's), every item `{ role, ... }`.
 * Undefined for any other value.
 */
export function transcriptText(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const messages = Array.isArray(value) ? value : (value as { messages?: unknown }).messages;
  if (!Array.isArray(messages) || messages.length === 0 || !messages.every(isMessage)) return undefined;
  return messages
    .filter((message) => message.role === "assistant")
    .map((message) => contentText(message.content))
    .filter((text) => text !== "")
    .join("\n");
}

interface Message {
  role: string;
  content?: unknown;
}

function isMessage(value: unknown): value is Message {
  return value !== null && typeof value === "object" && typeof (value as Message).role === "string";
}

/** OpenAI content: a string, or parts of which the `text` ones count; none is ""; any other value its JSON. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  if (!Array.isArray(content)) return JSON.stringify(content) ?? "";
  return content
    .map((part) => (part && typeof part === "object" && typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : ""))
    .filter((text) => text !== "")
    .join("\n");
}

/** A pass/fail score: 1 and "pass", or 0 and "fail"; the explanation says why. */
export function verdict(pass: boolean, explanation: string | null = null): Score {
  return { score: pass ? 1 : 0, label: pass ? "pass" : "fail", explanation };
}
