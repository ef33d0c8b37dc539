import { describe, expect, it } from "vitest";
import { toolCallsOf } from "../../../src/evaluators/tool-calls.js";
import { toolCallCorrectness, toolsUsed } from "../../../src/evaluators/tools.js";
import { evaluatorArgs as args } from "../../helpers/evaluator-args.js";

const simple = {
  tool_calls: [
    { name: "search", arguments: { q: "paris", limit: 5 } },
    { name: "weather", arguments: { city: "Paris" } },
  ],
  answer: "Sunny",
};
const openAi = {
  messages: [
    { role: "user", content: "weather in Paris?" },
    { role: "assistant", content: null, tool_calls: [{ id: "1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } }] },
    { role: "tool", tool_call_id: "1", content: "sunny" },
    { role: "assistant", content: "Sunny." },
  ],
};

describe("toolCallsOf", () => {
  it("reads plain calls, OpenAI messages, Anthropic tool_use blocks and JSON strings of them", () => {
    expect(toolCallsOf(simple).map((call) => call.name)).toEqual(["search", "weather"]);
    expect(toolCallsOf(openAi)).toEqual([{ name: "weather", arguments: { city: "Paris" } }]);
    expect(
      toolCallsOf([
        {
          role: "assistant",
          content: [
            { type: "text", text: "let me look" },
            { type: "tool_use", id: "t", name: "lookup", input: { id: 7 } },
          ],
        },
      ]),
    ).toEqual([{ name: "lookup", arguments: { id: 7 } }]);
    expect(toolCallsOf(JSON.stringify(simple))).toHaveLength(2);
    expect(toolCallsOf("just text")).toEqual([]);
    expect(toolCallsOf(null)).toEqual([]);
  });
});

describe("toolsUsed", () => {
  it("passes when every expected tool was called and no rejected one was", () => {
    expect(toolsUsed({ expect: ["weather"] })(args(openAi)).score).toBe(1);
    expect(toolsUsed({ expect: ["weather", "search"], reject: ["delete"] })(args(simple)).score).toBe(1);
    expect(toolsUsed({ expect: ["book"], reject: ["search"] })(args(simple))).toEqual({ score: 0, label: "fail", explanation: "not called: book; called: search" });
  });

  it("needs expect or reject", () => {
    expect(() => toolsUsed({})).toThrow('toolsUsed: give option "expect" or "reject" (lists of tool names)');
    expect(() => toolsUsed({ expect: "search" as never })).toThrow('toolsUsed: option "expect" must be a list of non-empty strings (got "search")');
  });
});

describe("toolCallCorrectness", () => {
  it("scores the share of expected calls made with the expected arguments (others may be there too)", () => {
    const expected = {
      tool_calls: [
        { name: "search", arguments: { q: "paris" } },
        { name: "weather", arguments: { city: "Lyon" } },
      ],
    };
    expect(toolCallCorrectness()(args(simple, expected))).toEqual({ score: 0.5, label: null, explanation: 'not matched: weather({"city":"Lyon"})' });
    expect(toolCallCorrectness({ exactArguments: true })(args(simple, { tool_calls: [{ name: "search", arguments: { q: "paris" } }] })).score).toBe(0);
    expect(toolCallCorrectness({ expect: [{ name: "weather" }] })(args(openAi)).score).toBe(1);
  });

  it("reads an empty arguments string (a no-argument call from some providers) as no arguments", () => {
    const output = [{ type: "function", function: { name: "now", arguments: "" } }];
    expect(toolCallCorrectness({ expect: [{ name: "now", arguments: {} }], exactArguments: true })(args(output)).score).toBe(1);
  });

  it("reads an argument missing from the call as null, even one named like an Object method", () => {
    expect(toolCallCorrectness({ expect: [{ name: "search", arguments: { toString: null, constructor: null } }] })(args([{ name: "search", arguments: {} }])).score).toBe(1);
  });

  it("reads expected calls from a JSON or Python literal string, with arguments as a JSON string", () => {
    expect(toolCallCorrectness()(args(openAi, { tool_calls: "[{'name': 'weather', 'arguments': {'city': 'Paris'}}]" })).score).toBe(1);
    expect(toolCallCorrectness({ expectedKey: "calls" })(args(openAi, { calls: [{ function: { name: "weather", arguments: '{"city": "Paris"}' } }] })).score).toBe(1);
  });

  it("checks order on request, and uses each call made once", () => {
    const made = { tool_calls: [{ name: "b" }, { name: "a" }] };
    expect(toolCallCorrectness({ expect: [{ name: "a" }, { name: "b" }] })(args(made)).score).toBe(1);
    expect(toolCallCorrectness({ expect: [{ name: "a" }, { name: "b" }], inOrder: true })(args(made))).toMatchObject({
      score: 0.5,
      explanation: expect.stringMatching(/^not matched in order: [ab]$/),
    });
    expect(toolCallCorrectness({ expect: [{ name: "a" }, { name: "a" }] })(args(made)).score).toBe(0.5);
  });

  it("finds the best matching, not the first one found", () => {
    const made = {
      tool_calls: [
        { name: "a", arguments: { x: 1 } },
        { name: "a", arguments: { x: 2 } },
      ],
    };
    // A first-fit match would give the name-only call the only call with x = 1.
    expect(toolCallCorrectness({ expect: [{ name: "a" }, { name: "a", arguments: { x: 1 } }] })(args(made)).score).toBe(1);
    const ordered = { tool_calls: [{ name: "b" }, { name: "c" }, { name: "a" }] };
    // Matching a first would leave nothing after it; the longest in-order match is b, c.
    expect(toolCallCorrectness({ expect: [{ name: "a" }, { name: "b" }, { name: "c" }], inOrder: true })(args(ordered))).toEqual({
      score: 2 / 3,
      label: null,
      explanation: "not matched in order: a",
    });
  });

  it("takes an empty expected list as 'no tool calls', and says when the expected calls are missing", () => {
    expect(toolCallCorrectness()(args({ tool_calls: [] }, { tool_calls: [] })).score).toBe(1);
    expect(toolCallCorrectness()(args(simple, { tool_calls: [] }))).toMatchObject({ score: 0, explanation: "expected no tool calls, got search, weather" });
    expect(() => toolCallCorrectness()(args(simple, {}))).toThrow("toolCallCorrectness: expected.tool_calls must be a list of { name, arguments? } (got undefined); set expect or expectedKey");
    expect(() => toolCallCorrectness({ expect: [{ tool: "x" }] as never })).toThrow('toolCallCorrectness: option "expect" must be a list of { name, arguments? }');
  });
});
