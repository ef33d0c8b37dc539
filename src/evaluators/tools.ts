import type { EvaluatorArgs, Score } from "../types.js";
import type { BuiltInEvaluator } from "./built-in.js";
import { checkOptions, expectedOf, type FieldOptions, isListOf, isRecord, outputOf, rules, shown } from "./options.js";
import { type ToolCall, toCall, toolCallsOf } from "./tool-calls.js";
import { readCollection, sameValue, verdict } from "./values.js";

export interface ToolsUsedOptions extends FieldOptions {
  /** Tool names that must each be called at least once. */
  expect?: string[];
  /** Tool names that must not be called. */
  reject?: string[];
}

/** 1 when every `expect` tool was called and no `reject` tool was (tool call shapes: see the README). */
export function toolsUsed(options: ToolsUsedOptions): BuiltInEvaluator {
  const { expect = [], reject = [], outputKey } = checkOptions<ToolsUsedOptions>("toolsUsed", options, { expect: rules.texts, reject: rules.texts });
  if (expect.length === 0 && reject.length === 0) throw new TypeError(`toolsUsed: give option "expect" or "reject" (lists of tool names)`);
  return (args: EvaluatorArgs): Score => {
    const used = new Set(toolCallsOf(outputOf(args, { outputKey })).map((call) => call.name));
    const missing = expect.filter((name) => !used.has(name));
    const forbidden = reject.filter((name) => used.has(name));
    const reasons = [missing.length > 0 ? `not called: ${missing.join(", ")}` : "", forbidden.length > 0 ? `called: ${forbidden.join(", ")}` : ""];
    return verdict(missing.length === 0 && forbidden.length === 0, reasons.filter(Boolean).join("; ") || null);
  };
}

export interface ToolCallCorrectnessOptions extends FieldOptions {
  /**
   * The calls expected, `[{ name, arguments? }]` (a call without `arguments` matches on its name).
   * Default: the example's `expected.tool_calls` (or `expectedKey`), a list of the same shape (a
   * JSON or Python literal string is read too); an empty list means "no tool calls".
   */
  expect?: { name: string; arguments?: unknown }[];
  /** The expected calls must come in this order (others may come between). Default false. */
  inOrder?: boolean;
  /** Arguments must equal the expected ones exactly; by default the expected ones must be there, others may be too. */
  exactArguments?: boolean;
}

/** `{ name, arguments? }` and nothing else. */
const isCall = (value: unknown) => isRecord(value) && typeof value.name === "string" && value.name.length > 0 && Object.keys(value).every((key) => key === "name" || key === "arguments");

/** The share of expected tool calls that were made with the expected name and arguments; each call made counts once. */
export function toolCallCorrectness(options: ToolCallCorrectnessOptions = {}): BuiltInEvaluator {
  const checked = checkOptions<ToolCallCorrectnessOptions>("toolCallCorrectness", options, {
    expect: { check: (value) => isListOf(value, isCall), allowed: "a list of { name, arguments? }" },
    inOrder: rules.boolean,
    exactArguments: rules.boolean,
  });
  return (args: EvaluatorArgs): Score => {
    const expected = checked.expect ?? expectedCalls(args, checked);
    const made = toolCallsOf(outputOf(args, checked));
    if (expected.length === 0) return verdict(made.length === 0, made.length === 0 ? null : `expected no tool calls, got ${made.map((call) => call.name).join(", ")}`);
    const matches = (want: ToolCall, call: ToolCall) => want.name === call.name && argumentsMatch(want.arguments, call.arguments, checked.exactArguments ?? false);
    const matched = checked.inOrder ? matchInOrder(expected, made, matches) : matchAnyOrder(expected, made, matches);
    const missed = expected.filter((_, index) => !matched.has(index));
    return {
      score: (expected.length - missed.length) / expected.length,
      label: null,
      explanation: missed.length === 0 ? null : `not matched${checked.inOrder ? " in order" : ""}: ${missed.map(describe).join(", ")}`,
    };
  };
}

type Matches = (want: ToolCall, call: ToolCall) => boolean;

/** The most expected calls that distinct calls made can match (a maximum bipartite matching), by expected index. */
function matchAnyOrder(expected: ToolCall[], made: ToolCall[], matches: Matches): Set<number> {
  const owner = new Array<number>(made.length).fill(-1);
  const assign = (want: number, seen: Set<number>): boolean =>
    made.some((call, index) => {
      if (seen.has(index) || !matches(expected[want]!, call)) return false;
      seen.add(index);
      if (owner[index] !== -1 && !assign(owner[index]!, seen)) return false;
      owner[index] = want;
      return true;
    });
  for (let want = 0; want < expected.length; want++) assign(want, new Set());
  return new Set(owner.filter((want) => want !== -1));
}

/** The most expected calls matched by calls made in the same order (a longest common subsequence), by expected index. */
function matchInOrder(expected: ToolCall[], made: ToolCall[], matches: Matches): Set<number> {
  // best[i][j]: the most matches between expected[i..] and made[j..].
  const best = Array.from({ length: expected.length + 1 }, () => new Array<number>(made.length + 1).fill(0));
  for (let i = expected.length - 1; i >= 0; i--) {
    for (let j = made.length - 1; j >= 0; j--) {
      best[i]![j] = Math.max(best[i + 1]![j]!, best[i]![j + 1]!, matches(expected[i]!, made[j]!) ? best[i + 1]![j + 1]! + 1 : 0);
    }
  }
  const matched = new Set<number>();
  for (let i = 0, j = 0; i < expected.length && j < made.length; ) {
    if (matches(expected[i]!, made[j]!) && best[i]![j] === best[i + 1]![j + 1]! + 1) {
      matched.add(i);
      i++;
      j++;
    } else if (best[i]![j] === best[i + 1]![j]) i++;
    else j++;
  }
  return matched;
}

function argumentsMatch(want: unknown, got: unknown, exact: boolean): boolean {
  if (want === undefined) return true;
  if (exact || want === null || typeof want !== "object" || Array.isArray(want)) return sameValue(got, want);
  if (got === null || typeof got !== "object" || Array.isArray(got)) return false;
  return Object.entries(want).every(([key, value]) => sameValue(Object.hasOwn(got, key) ? (got as Record<string, unknown>)[key] : null, value));
}

function expectedCalls(args: EvaluatorArgs, options: FieldOptions): ToolCall[] {
  const key = options.expectedKey ?? "tool_calls";
  let raw = expectedOf(args, options, "tool_calls");
  if (typeof raw === "string") raw = readCollection(raw);
  const calls = Array.isArray(raw) ? raw.map(toCall) : undefined;
  if (!calls || calls.some((call) => call === undefined)) {
    throw new TypeError(`toolCallCorrectness: expected.${key} must be a list of { name, arguments? } (got ${shown(raw)}); set expect or expectedKey`);
  }
  return calls as ToolCall[];
}

function describe(call: ToolCall): string {
  return call.arguments === undefined ? call.name : `${call.name}(${shown(call.arguments)})`;
}
