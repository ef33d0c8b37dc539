import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { maxDurationMs, toolCallCorrectness, toolsUsed } from "../../../src/evaluators/index.js";
import { classifyError } from "../../../src/retry/transient.js";
import { loadTaskYaml } from "../../../src/tasks/task-yaml.js";
import type { EvaluatorArgs, Example, Task } from "../../../src/types.js";
import { tempDir, writeFiles } from "../../helpers/cli.js";
import { type FakeLlm, type Handler, startFakeLlm } from "../../helpers/fake-llm.js";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0)) await done();
});

async function server(handle: Handler): Promise<FakeLlm> {
  const fake = await startFakeLlm(handle);
  cleanup.push(() => fake.close());
  return fake;
}

function task(yaml: string): Task {
  const { dir, remove } = tempDir("evalwire-messages-task-");
  cleanup.push(remove);
  writeFiles(dir, { "task.yaml": yaml });
  return loadTaskYaml(join(dir, "task.yaml"), {});
}

const scenario = (messages: unknown[]): Example => ({ id: "refund", input: { messages }, output: {}, metadata: {} });
const call = (t: Task, example: Example) => t(example, { signal: new AbortController().signal, repetition: 1, experiment: "x" });
const args = (output: unknown, durationMs: number) => ({ output, durationMs, input: {}, expected: {}, metadata: {} }) as unknown as EvaluatorArgs;

async function failure(promise: unknown): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

/** A support agent: looks the order up on the first turn, refunds on the second (slowly). */
const agent: Handler = (request) => {
  const { message, turn } = request.body;
  if (turn === 1) return { body: { reply: `Order found for: ${message}`, tools_used: ["lookup_order"] } };
  return { body: { reply: "Refund issued.", tools_used: [{ name: "refund_order", arguments: { order: "A1" } }] }, delayMs: 200 };
};

const yaml = (url: string) =>
  [
    "http:",
    `  url: ${url}/chat`,
    "  body:",
    "    session: '{{ session }}'",
    "    message: '{{ message }}'",
    "    turn: '{{ turn }}'",
    "    history: '{{ history }}'",
    "  output: reply",
    "messages:",
    "  tools: tools_used",
  ].join("\n");

describe("messages: a scenario sent turn by turn", () => {
  it("sends each user message with the transcript so far, in one session, and returns the transcript with each turn's time and tools", async () => {
    const fake = await server(agent);
    const output = (await call(task(yaml(fake.baseUrl)), scenario([{ role: "system", content: "Be brief." }, "My jug arrived broken", { role: "user", content: "Refund it please" }]))) as {
      messages: Record<string, any>[];
    };
    expect(fake.requests.map((request) => request.body.turn)).toEqual([1, 2]);
    const [first, second] = fake.requests.map((request) => request.body);
    expect(first!.session).toBe(second!.session);
    expect(first!.history).toEqual([{ role: "system", content: "Be brief." }]);
    expect(second!.history).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "My jug arrived broken" },
      { role: "assistant", content: "Order found for: My jug arrived broken" },
    ]);
    expect(output.messages.map(({ durationMs, ...message }) => message)).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "My jug arrived broken" },
      { role: "assistant", content: "Order found for: My jug arrived broken", tool_calls: [{ name: "lookup_order" }] },
      { role: "user", content: "Refund it please" },
      { role: "assistant", content: "Refund issued.", tool_calls: [{ name: "refund_order", arguments: { order: "A1" } }] },
    ]);
    const times = output.messages.filter((message) => message.role === "assistant").map((message) => message.durationMs);
    expect(times.every((ms) => typeof ms === "number" && ms > 0)).toBe(true);
    // The server waited 200 ms before its second answer.
    expect(times[1]).toBeGreaterThanOrEqual(200);

    // The built-in evaluators read this transcript.
    expect(toolsUsed({ expect: ["lookup_order", "refund_order"], reject: ["delete_account"] })(args(output, 300))).toMatchObject({ score: 1, label: "pass" });
    expect(toolsUsed({ reject: ["refund_order"] })(args(output, 300))).toMatchObject({ score: 0, explanation: "called: refund_order" });
    expect(toolCallCorrectness({ expect: [{ name: "refund_order", arguments: { order: "A1" } }] })(args(output, 300))).toMatchObject({ score: 1 });
    expect(maxDurationMs({ value: 150 })(args(output, times[0]! + times[1]!))).toMatchObject({ score: 0, label: "fail" });
  });

  it("two calls of the same scenario are two sessions", async () => {
    const fake = await server(agent);
    const t = task(yaml(fake.baseUrl));
    await call(t, scenario(["hello"]));
    await call(t, scenario(["hello"]));
    expect(fake.requests[0]!.body.session).not.toBe(fake.requests[1]!.body.session);
  });

  it("without a body, each turn is a chat-completions request; OpenAI tool calls are read as they come", async () => {
    const fake = await server((request) => ({
      body: {
        choices: [
          {
            message: {
              role: "assistant",
              content: `you said ${request.body.messages.at(-1).content}`,
              tool_calls: [{ id: "c1", type: "function", function: { name: "search", arguments: '{"q":"jug"}' } }],
            },
          },
        ],
      },
    }));
    const t = task(`http:\n  url: ${fake.baseUrl}/chat/completions\n  output: choices.0.message.content\nmessages:\n  tools: choices.0.message.tool_calls\n`);
    const output = await call(t, scenario(["one", "two"]));
    expect(fake.requests[1]!.body).toEqual({
      messages: [
        { role: "user", content: "one" },
        { role: "assistant", content: "you said one" },
        { role: "user", content: "two" },
      ],
    });
    expect(toolCallCorrectness({ expect: [{ name: "search", arguments: { q: "jug" } }] })(args(output, 1))).toMatchObject({ score: 1 });
  });

  it("a turn answered 503 is an error naming the turn and carrying the status, so --retries runs the scenario again", async () => {
    const fake = await server((_, index) => (index === 0 ? { body: { reply: "hi" } } : { status: 503, headers: { "retry-after": "1" }, body: "overloaded" }));
    const error = await failure(call(task(yaml(fake.baseUrl)), scenario(["a", "b", "c"])));
    expect(error.message).toBe(`turn 2: POST ${fake.baseUrl}/chat: HTTP 503 Service Unavailable: overloaded`);
    expect(classifyError(error)).toEqual({ transient: "HTTP 503", status: 503, retryAfterMs: 1000 });
    expect(fake.requests).toHaveLength(2);
  });

  it("an example without input.messages is an error saying what a scenario needs", async () => {
    const fake = await server(agent);
    const error = await failure(call(task(yaml(fake.baseUrl)), { id: "x", input: { question: "hi" }, output: {}, metadata: {} }));
    expect(error.message).toMatch(/^the example has no input\.messages, the scenario's turns \(a list of texts or \{ role, content \}\); .*task\.yaml declares messages:$/);
  });

  it("a turn's answer without the output field names the turn", async () => {
    const fake = await server(() => ({ body: { text: "hi" } }));
    const error = await failure(call(task(yaml(fake.baseUrl)), scenario(["a"])));
    expect(error.message).toBe('turn 1: the answer has no reply (http.output); it was {"text":"hi"}');
  });
});
