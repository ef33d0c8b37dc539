import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LlmJudgeOptions, llmJudge } from "../../src/evaluators/judge/llm-judge.js";
import { configureJudge, defaultJudgeSettings, type JudgeSettings } from "../../src/evaluators/judge/settings.js";
import type { EvaluatorArgs, Example } from "../../src/types.js";
import { tempDir } from "../helpers/cli.js";
import { thrownMessage } from "../helpers/errors.js";
import { completion, type FakeLlm, startFakeLlm, verdict } from "../helpers/fake-llm.js";

const keyVariable = "EVALWIRE_TEST_JUDGE_KEY";
const key = "sk-test-4f1d9c2b7e0a";

let fake: FakeLlm;
let cache: ReturnType<typeof tempDir>;

beforeAll(async () => {
  fake = await startFakeLlm(() => verdict(true, 1, "fine"));
});
afterAll(() => fake.close());

beforeEach(() => {
  process.env[keyVariable] = key;
  cache = tempDir("evalwire-judge-cache-");
  fake.handle = () => verdict(true, 1, "fine");
  fake.requests.length = 0;
  fake.maxInFlight = 0;
  configure({});
});
afterEach(() => {
  delete process.env[keyVariable];
  cache.remove();
});

function configure(settings: Partial<JudgeSettings>) {
  configureJudge({ ...defaultJudgeSettings(cache.dir), baseUrl: fake.baseUrl, model: "judge-model", apiKeyEnv: keyVariable, retries: 2, cacheDir: join(cache.dir, "judge"), ...settings });
}

function args(output: unknown, overrides: Partial<EvaluatorArgs> = {}): EvaluatorArgs {
  const example: Example = { id: "ex-1", input: { question: "What is the capital of France?" }, output: { expected_output: "Paris" }, metadata: {} };
  return { input: example.input, output, expected: example.output, metadata: example.metadata, example, durationMs: 1, signal: new AbortController().signal, ...overrides };
}

const judge = (options: Partial<LlmJudgeOptions> = {}) => llmJudge({ criterion: "The answer names the right city.", ...options });

describe("llmJudge against a chat-completions endpoint", () => {
  it("asks for a structured answer and turns it into a score, a label and the reason as explanation", async () => {
    fake.handle = () => verdict(false, 0.25, "It names Lyon, not Paris.");
    const score = await judge()(args({ answer: "Lyon" }));
    expect(score).toEqual({ score: 0.25, label: "fail", explanation: "It names Lyon, not Paris.", metadata: { model: "judge-model", cached: false } });

    const [request] = fake.requests;
    expect(request!.path).toBe("/v1/chat/completions");
    expect(request!.headers.authorization).toBe(`Bearer ${key}`);
    expect(request!.body.model).toBe("judge-model");
    expect(request!.body.response_format.type).toBe("json_schema");
    expect(request!.body.response_format.json_schema.schema.required).toEqual(["pass", "score", "reason"]);
    const prompt = request!.body.messages.at(-1).content as string;
    expect(prompt).toContain("The answer names the right city.");
    expect(prompt).toContain("What is the capital of France?");
    expect(prompt).toContain('"answer": "Lyon"');
    expect(prompt).toContain("Paris");
  });

  it("fills a prompt template from dot paths, and outputKey picks the field judged", async () => {
    await llmJudge({ prompt: "Q: {{input.question}}\nA: {{output}}\nWant: {{expected.expected_output}}", outputKey: "answer" })(args({ answer: "Paris", trace: [1, 2] }));
    expect(fake.requests[0]!.body.messages.at(-1).content).toBe("Q: What is the capital of France?\nA: Paris\nWant: Paris");
  });

  it("per-call options override [judge]", async () => {
    const other = await startFakeLlm(() => verdict(true, 1, "ok"));
    try {
      process.env.EVALWIRE_OTHER_KEY = "sk-other";
      await judge({ baseUrl: other.baseUrl, model: "other-model", apiKeyEnv: "EVALWIRE_OTHER_KEY" })(args("Paris"));
      expect(fake.requests).toHaveLength(0);
      expect(other.requests[0]!.body.model).toBe("other-model");
      expect(other.requests[0]!.headers.authorization).toBe("Bearer sk-other");
    } finally {
      delete process.env.EVALWIRE_OTHER_KEY;
      await other.close();
    }
  });

  it("reads an answer wrapped in a Markdown code fence", async () => {
    fake.handle = () => completion('```json\n{"pass": true, "score": 0.9, "reason": "Right city."}\n```');
    expect(await judge()(args("Paris"))).toMatchObject({ score: 0.9, label: "pass", explanation: "Right city." });
  });

  it.each([
    ["prose instead of JSON", completion("The answer is correct."), /the judge's answer is not JSON: "The answer is correct\."/],
    ["no content", completion(null), /the judge answered with no content/],
    ["a missing field", completion('{"pass": true, "score": 1}'), /bad "reason"/],
    ["a score out of range", completion('{"pass": true, "score": 7, "reason": "great"}'), /bad "score"/],
    ["pass as a string", completion('{"pass": "yes", "score": 1, "reason": "ok"}'), /bad "pass"/],
    ["a refusal", completion(null, { refusal: "I cannot grade this." }), /the judge refused: I cannot grade this\./],
    ["an answer cut off", completion('{"pass": true, "sc', { finish_reason: "length" }), /cut off/],
  ])("an answer with %s is an evaluator error (a rejection), never a score", async (_, reply, message) => {
    fake.handle = () => reply;
    await expect(judge()(args("Paris"))).rejects.toThrow(message);
    expect(fake.requests).toHaveLength(1);
  });

  it("retries a 429 after the seconds its Retry-After asks for", async () => {
    fake.handle = (_, index) => (index === 0 ? { status: 429, headers: { "retry-after": "2" }, body: { error: { message: "slow down" } } } : verdict(true, 1, "ok"));
    expect(await judge()(args("Paris"))).toMatchObject({ score: 1 });
    expect(fake.requests).toHaveLength(2);
    // A lower bound only: without Retry-After the first wait would be at most 0.5 s.
    expect(fake.requests[1]!.receivedAt - fake.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1900);
  });

  it("retries a 503 after the HTTP date its Retry-After gives", async () => {
    fake.handle = (_, index) =>
      index === 0 ? { status: 503, headers: { "retry-after": new Date(Date.now() + 3000).toUTCString() }, body: { error: { message: "busy" } } } : verdict(true, 1, "ok");
    expect(await judge()(args("Paris"))).toMatchObject({ score: 1 });
    expect(fake.requests).toHaveLength(2);
    // The date has whole seconds, so the wait is between 2 and 3 s.
    expect(fake.requests[1]!.receivedAt - fake.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1900);
  });

  it("gives up on 500s after its retries, as an evaluator error naming the status and the tries", async () => {
    fake.handle = () => ({ status: 500, body: { error: { message: "model crashed" } } });
    await expect(judge({ retries: 1 })(args("Paris"))).rejects.toThrow(`the judge at ${fake.baseUrl} answered 500: model crashed (after 2 tries)`);
    expect(fake.requests).toHaveLength(2);
  });

  it("does not retry a 400", async () => {
    fake.handle = () => ({ status: 400, body: { error: { message: "response_format is not supported" } } });
    await expect(judge()(args("Paris"))).rejects.toThrow(/answered 400: response_format is not supported$/);
    expect(fake.requests).toHaveLength(1);
  });

  it("gives up on a server that asks to wait longer than evalwire waits", async () => {
    fake.handle = () => ({ status: 429, headers: { "retry-after": "3600" }, body: { error: { message: "quota" } } });
    await expect(judge()(args("Paris"))).rejects.toThrow(/asks to retry after 3600 s/);
    expect(fake.requests).toHaveLength(1);
  });

  it("a slow answer times out per request, is retried, then is an evaluator error", async () => {
    fake.handle = () => ({ ...verdict(true, 1, "late"), delayMs: 10_000 });
    await expect(judge({ timeout: 200, retries: 1 })(args("Paris"))).rejects.toThrow(`the judge at ${fake.baseUrl} gave no answer within 200 ms (after 2 tries)`);
    expect(fake.requests).toHaveLength(2);
  });

  it("stops when the evaluator's signal aborts, mid-request", async () => {
    fake.handle = () => ({ ...verdict(true, 1, "late"), delayMs: 10_000 });
    const controller = new AbortController();
    const pending = judge()(args("Paris", { signal: controller.signal }));
    // Abort once the request is at the server, so it is the request in flight that stops.
    while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new Error("timed out after 100 ms"));
    await expect(pending).rejects.toThrow("timed out after 100 ms");
    expect(fake.requests).toHaveLength(1);
  });

  it("an unreachable endpoint is an evaluator error naming it", async () => {
    const gone = await startFakeLlm(() => verdict(true, 1, "ok"));
    await gone.close();
    await expect(judge({ baseUrl: gone.baseUrl, retries: 0 })(args("Paris"))).rejects.toThrow(`cannot reach the judge at ${gone.baseUrl} (ECONNREFUSED)`);
  });

  it("keeps every judge of the run within [judge] concurrency", async () => {
    configure({ concurrency: 2 });
    // Long enough that the first two are surely at the server together.
    fake.handle = () => ({ ...verdict(true, 1, "ok"), delayMs: 500 });
    const first = judge({ cache: false });
    const second = llmJudge({ criterion: "Another criterion.", cache: false });
    await Promise.all(Array.from({ length: 6 }, (_, index) => (index % 2 ? first : second)(args(`answer ${index}`))));
    expect(fake.requests).toHaveLength(6);
    expect(fake.maxInFlight).toBe(2);
  });
});

describe("the judge cache", () => {
  it("answers a repeated question from disk: the second call makes no request", async () => {
    const evaluate = judge();
    const first = await evaluate(args("Paris"));
    const second = await evaluate(args("Paris"));
    expect(fake.requests).toHaveLength(1);
    expect(second).toEqual({ ...first, metadata: { model: "judge-model", cached: true } });
    expect(readdirSync(join(cache.dir, "judge"), { recursive: true }).filter((name) => String(name).endsWith(".json"))).toHaveLength(1);
  });

  it("asks again when a stored answer cannot be read (a file cut short), and stores it anew", async () => {
    await judge()(args("Paris"));
    const [file] = readdirSync(join(cache.dir, "judge"), { recursive: true })
      .map(String)
      .filter((name) => name.endsWith(".json"));
    writeFileSync(join(cache.dir, "judge", file!), '{"model": "judge-model", "answer": {"pass": tr');
    expect(await judge()(args("Paris"))).toMatchObject({ metadata: { cached: false } });
    expect(await judge()(args("Paris"))).toMatchObject({ metadata: { cached: true } });
    expect(fake.requests).toHaveLength(2);
  });

  it("asks again when the model, the prompt or the output differ", async () => {
    await judge()(args("Paris"));
    await judge()(args("Lyon"));
    await judge({ model: "other-model" })(args("Paris"));
    await judge({ criterion: "It is polite." })(args("Paris"));
    expect(fake.requests).toHaveLength(4);
  });

  it("never stores a failed call", async () => {
    fake.handle = (_, index) => (index === 0 ? completion("not json") : verdict(true, 1, "ok"));
    await expect(judge()(args("Paris"))).rejects.toThrow(/not JSON/);
    expect(await judge()(args("Paris"))).toMatchObject({ metadata: { cached: false } });
    expect(fake.requests).toHaveLength(2);
  });

  it("is skipped with cache: false, and off when [judge] cache = false", async () => {
    await judge({ cache: false })(args("Paris"));
    await judge({ cache: false })(args("Paris"));
    configure({ cacheDir: null });
    await judge()(args("Paris"));
    await judge()(args("Paris"));
    expect(fake.requests).toHaveLength(4);
  });
});

describe("the judge's settings and key", () => {
  it("without a model is an evaluator error saying where to set one", async () => {
    configure({ model: null });
    await expect(judge()(args("Paris"))).rejects.toThrow("no judge model: set [judge] model in evalwire.toml, or pass { model } to llmJudge");
  });

  it("without the key's variable is an evaluator error naming the variable", async () => {
    delete process.env[keyVariable];
    await expect(judge()(args("Paris"))).rejects.toThrow(`the environment variable ${keyVariable} is not set`);
    expect(fake.requests).toHaveLength(0);
  });

  it("never puts the key in an error, even when the server echoes it", async () => {
    fake.handle = (request) => ({ status: 401, body: { error: { message: `Incorrect API key provided: ${request.headers.authorization}` } } });
    const error = await judge()(args("Paris")).then(
      () => null,
      (thrown: Error) => thrown,
    );
    expect(error?.message).toContain("answered 401: Incorrect API key provided: Bearer [redacted]");
    expect(error?.message).toContain(`(check the key in ${keyVariable})`);
    expect(error?.message).not.toContain(key);
  });

  it.each([
    [{}, 'llmJudge: give exactly one of "criterion" and "prompt"'],
    [{ criterion: "a", prompt: "b" }, 'llmJudge: give exactly one of "criterion" and "prompt"'],
    [{ criterion: "a", modle: "x" }, 'llmJudge: unknown option "modle"'],
    [{ criterion: "a", timeout: 0 }, 'llmJudge: option "timeout" must be a whole number from 1 up (got 0)'],
    [{ criterion: "a", baseUrl: "localhost" }, 'llmJudge: option "baseUrl"'],
    [{ prompt: "Judge {{answer}}" }, 'llmJudge: option "prompt": unknown placeholder {{answer}}'],
    [{ criterion: "a", baseUrl: "ftp://example.com" }, 'llmJudge: option "baseUrl" must be an http(s) URL'],
  ])("rejects wrong options when the evaluator file loads: %j", (options, message) => {
    expect(() => llmJudge(options as LlmJudgeOptions)).toThrow(TypeError);
    expect(() => llmJudge(options as LlmJudgeOptions)).toThrow(message);
  });

  it("rejects a key given where its variable's name belongs, without echoing it", () => {
    expect(thrownMessage(() => llmJudge({ criterion: "a", apiKeyEnv: "sk-live-abc123" }), TypeError)).toBe(
      'llmJudge: option "apiKeyEnv" must be the name of an environment variable, such as OPENAI_API_KEY, not the key itself',
    );
  });
});
