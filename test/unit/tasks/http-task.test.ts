// biome-ignore-all lint/suspicious/noTemplateCurlyInString: task.yaml reads ${NAME} from the environment; these strings are task.yaml text
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { classifyError } from "../../../src/retry/transient.js";
import { loadTaskYaml } from "../../../src/tasks/task-yaml.js";
import type { Example, Task } from "../../../src/types.js";
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

function task(yaml: string, env: NodeJS.ProcessEnv = {}): Task {
  const { dir, remove } = tempDir("evalwire-http-task-");
  cleanup.push(remove);
  writeFiles(dir, { "task.yaml": yaml });
  return loadTaskYaml(join(dir, "task.yaml"), env);
}

const example: Example = { id: "q1", input: { user_query: "capital of France?", top: 3 }, output: { answer: "Paris" }, metadata: { lang: "en" } };
const call = (t: Task, signal = new AbortController().signal) => t(structuredClone(example), { signal, repetition: 2, experiment: "x" });

/** The error a call rejects with (fails the test when it resolves). */
async function failure(promise: unknown): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

describe("http: task against a local server", () => {
  it("sends the body template filled from the example, with headers from the environment, and returns the output field", async () => {
    const fake = await server(() => ({ body: { choices: [{ message: { content: "Paris" } }] } }));
    const t = task(
      [
        "http:",
        `  url: ${fake.baseUrl}/chat`,
        "  headers:",
        "    Authorization: Bearer ${AGENT_TOKEN}",
        "  body:",
        "    question: 'Q: {{ input.user_query }}'",
        "    top: '{{ input.top }}'",
        "    expected: '{{ expected }}'",
        "    who: '{{ id }}#{{ repetition }}'",
        "  output: choices.0.message.content",
      ].join("\n"),
      { AGENT_TOKEN: "secret-1" },
    );
    expect(await call(t)).toBe("Paris");
    const [seen] = fake.requests;
    expect(seen!.path).toBe("/v1/chat");
    expect(seen!.headers.authorization).toBe("Bearer secret-1");
    expect(seen!.headers["content-type"]).toBe("application/json");
    // A placeholder alone keeps its type; inside text, a value is written as text.
    expect(seen!.body).toEqual({ question: "Q: capital of France?", top: 3, expected: { answer: "Paris" }, who: "q1#2" });
  });

  it("without a body sends the example's input; without output returns the whole JSON answer", async () => {
    const fake = await server(() => ({ body: { answer: "Paris", sources: ["a"] } }));
    expect(await call(task(`http:\n  url: ${fake.baseUrl}/answer\n`))).toEqual({ answer: "Paris", sources: ["a"] });
    expect(fake.requests[0]!.body).toEqual(example.input);
  });

  it("GET fills the url, encoding each value", async () => {
    const fake = await server(() => ({ body: { ok: true } }));
    await call(task(`http:\n  url: ${fake.baseUrl}/search?q={{ input.user_query }}\n  method: get\n`));
    expect(fake.requests[0]!.path).toBe("/v1/search?q=capital%20of%20France%3F");
  });

  it("a text answer is the output as text", async () => {
    const fake = await server(() => ({ body: "Paris, of course", headers: { "content-type": "text/plain" } }));
    expect(await call(task(`http:\n  url: ${fake.baseUrl}/answer\n`))).toBe("Paris, of course");
  });

  it("HTTP 500 is an error carrying the status, which --retries treats as transient", async () => {
    const fake = await server(() => ({ status: 500, body: { error: "database down" } }));
    const error = await failure(call(task(`http:\n  url: ${fake.baseUrl}/answer\n`)));
    expect(error.message).toBe(`POST ${fake.baseUrl}/answer: HTTP 500 Internal Server Error: {"error":"database down"}`);
    expect(classifyError(error)).toMatchObject({ transient: "HTTP 500", status: 500 });
  });

  it("HTTP 429 carries its Retry-After", async () => {
    const fake = await server(() => ({ status: 429, headers: { "retry-after": "2" }, body: { error: "slow down" } }));
    const error = await failure(call(task(`http:\n  url: ${fake.baseUrl}/answer\n`)));
    expect(error.message).toMatch(/HTTP 429 Too Many Requests/);
    expect(classifyError(error)).toEqual({ transient: "HTTP 429", status: 429, retryAfterMs: 2000 });
  });

  it("HTTP 400 is an error that is not retried", async () => {
    const fake = await server(() => ({ status: 400, body: { error: "no such model" } }));
    const error = await failure(call(task(`http:\n  url: ${fake.baseUrl}/answer\n`)));
    expect(classifyError(error)).toMatchObject({ transient: null, status: 400 });
  });

  it("malformed JSON is an error saying so, with the start of the answer", async () => {
    const fake = await server(() => ({ body: '{"answer": "Par' }));
    const error = await failure(call(task(`http:\n  url: ${fake.baseUrl}/answer\n`)));
    expect(error.message).toMatch(/^POST .*\/answer: the answer is not JSON \(.+\): "\{\\"answer\\": \\"Par"$/);
  });

  it("a missing output field is an error showing what came", async () => {
    const fake = await server(() => ({ body: { choices: [] } }));
    const error = await failure(call(task(`http:\n  url: ${fake.baseUrl}/answer\n  output: choices.0.message.content\n`)));
    expect(error.message).toBe('the answer has no choices.0.message.content (http.output); it was {"choices":[]}');
  });

  it("a template naming a field the example lacks is an error naming it", async () => {
    const fake = await server(() => ({ body: {} }));
    const error = await failure(call(task(`http:\n  url: ${fake.baseUrl}/answer\n  body: { q: '{{ input.query }}' }\n`)));
    expect(error.message).toBe("http.body: {{ input.query }}: the example has no input.query");
    expect(fake.requests).toHaveLength(0);
  });

  it("a slow answer past http.timeout is a timeout error --retries treats as transient", async () => {
    const fake = await server(() => ({ body: { answer: "late" }, delayMs: 2000 }));
    const error = await failure(call(task(`http:\n  url: ${fake.baseUrl}/answer\n  timeout: 100\n`)));
    expect(error.message).toMatch(/answer: no answer within 100 ms \(http\.timeout in .*task\.yaml\)$/);
    expect(classifyError(error).transient).toBe("TimeoutError");
  });

  it("a request past http.timeout is a TimeoutError, which the engine records with the status timeout", async () => {
    const fake = await server(() => ({ body: { answer: "late" }, delayMs: 2000 }));
    const error = await failure(call(task(`http:\n  url: ${fake.baseUrl}/answer\n  timeout: 100\n`)));
    expect(error.name).toBe("TimeoutError");
  });

  it("http.timeout: 0 sets no limit of its own", async () => {
    const fake = await server(() => ({ body: { answer: "Paris" }, delayMs: 200 }));
    expect(await call(task(`http:\n  url: ${fake.baseUrl}/answer\n  output: answer\n  timeout: 0\n`))).toBe("Paris");
  });

  it("a refused connection is transient", async () => {
    const fake = await server(() => ({ body: {} }));
    const url = fake.baseUrl;
    await fake.close();
    const error = await failure(call(task(`http:\n  url: ${url}/answer\n`)));
    // Said so that whoever just ran `init --task http` knows what to do.
    expect(error.message).toBe(`POST ${url}/answer: connection refused (ECONNREFUSED): is the service running at that address?`);
    expect(classifyError(error).transient).toBe("ECONNREFUSED");
  });

  it("the call's signal aborts the request (evalwire's --timeout, Ctrl-C)", async () => {
    const fake = await server(() => ({ body: {}, delayMs: 5000 }));
    const controller = new AbortController();
    const pending = failure(call(task(`http:\n  url: ${fake.baseUrl}/answer\n`), controller.signal));
    while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new Error("interrupted"));
    expect((await pending).message).toBe("interrupted");
  });
});
