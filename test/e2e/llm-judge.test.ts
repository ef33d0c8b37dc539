import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { completion, type FakeLlm, type SeenRequest, startFakeLlm, verdict } from "../helpers/fake-llm.js";
import { describeRun, evaluation, evalwire, fixture, resultsById, runDirs, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const keyVariable = "EVALWIRE_E2E_JUDGE_KEY";
const key = "sk-e2e-secret-7d3a91c4b2";
const env = { [keyVariable]: key };

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm(grade);
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.handle = grade;
  fake.requests.length = 0;
});

/** A judge that passes an answer holding the expected city, as a real model would. */
function grade(request: SeenRequest) {
  const prompt = String(request.body.messages.at(-1).content);
  const city = /"expected_output": "(\w+)"/.exec(prompt)?.[1];
  const answer = prompt.split("Output to judge:\n")[1] ?? "";
  return city && answer.includes(city) ? verdict(true, 1, `It names ${city}.`) : verdict(false, 0, `It does not name ${city}.`);
}

/** A working folder whose evalwire.toml points the judge at the fake endpoint. */
function project(): string {
  const cwd = temp("evalwire-judge-e2e-");
  writeFileSync(
    join(cwd, "evalwire.toml"),
    `[experiments]\ndir = ${JSON.stringify(fixture("llm-judge"))}\n[judge]\nbase_url = "${fake.baseUrl}"\nmodel = "judge-model"\napi_key_env = "${keyVariable}"\nretries = 1\n`,
  );
  return cwd;
}

/** Every file below a folder, as text. */
function filesBelow(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (name.isFile()) files[join(name.parentPath, name.name)] = readFileSync(join(name.parentPath, name.name), "utf8");
  }
  return files;
}

describe("llmJudge in an evaluator file, run by the CLI", () => {
  it("scores with the judge's verdict and reason, and a second run asks the endpoint nothing", async () => {
    const cwd = project();
    const first = await evalwire(["run"], cwd, env);
    expect(first.code, describeRun(first)).toBe(0);
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.every((request) => request.headers.authorization === `Bearer ${key}`)).toBe(true);

    const [firstRun] = runDirs(cwd);
    const results = resultsById(firstRun!);
    expect(evaluation(results.france, "right_capital")).toMatchObject({ score: 1, label: "pass", explanation: "It names Paris.", error: null });
    expect(evaluation(results.japan, "right_capital")).toMatchObject({ score: 0, label: "fail", explanation: "It does not name Tokyo.", error: null });
    expect(first.stdout).toMatch(/right_capital/);

    fake.requests.length = 0;
    const second = await evalwire(["run"], cwd, env);
    expect(second.code, describeRun(second)).toBe(0);
    expect(fake.requests).toHaveLength(0);
    const secondRun = runDirs(cwd).find((dir) => dir !== firstRun)!;
    expect(evaluation(resultsById(secondRun).japan, "right_capital")).toMatchObject({ score: 0, explanation: "It does not name Tokyo.", metadata: { cached: true } });

    // The key reaches the endpoint and nothing else: not the output, not a file the runs wrote.
    for (const output of [first.all, second.all]) expect(output).not.toContain(key);
    const written = filesBelow(cwd);
    expect(Object.keys(written).some((file) => file.includes(join(".evalwire", "cache", "judge")))).toBe(true);
    for (const [file, text] of Object.entries(written)) expect(text, file).not.toContain(key);
  });

  it("an answer that does not parse, or a judge that keeps failing, is an evaluator error (exit 1), never a score", async () => {
    const cwd = project();
    fake.handle = (request) => {
      const prompt = String(request.body.messages.at(-1).content);
      if (prompt.includes("Japan")) return completion("Looks right to me!");
      if (prompt.includes("Peru")) return { status: 500, body: { error: { message: `upstream failed for ${request.headers.authorization}` } } };
      return grade(request);
    };
    const r = await evalwire(["run"], cwd, env);
    expect(r.code, describeRun(r)).toBe(1);
    const results = resultsById(runDirs(cwd)[0]!);
    expect(evaluation(results.france, "right_capital")).toMatchObject({ score: 1, error: null });
    expect(evaluation(results.japan, "right_capital")).toMatchObject({ score: null, error: expect.stringMatching(/the judge's answer is not JSON: "Looks right to me!"/) });
    expect(evaluation(results.peru, "right_capital")).toMatchObject({
      score: null,
      error: `the judge at ${fake.baseUrl} answered 500: upstream failed for Bearer [redacted] (after 2 tries)`,
    });
    expect(r.all).not.toContain(key);
    for (const [file, text] of Object.entries(filesBelow(cwd))) expect(text, file).not.toContain(key);
  });

  it("without the key's variable, says which variable to set", async () => {
    const cwd = project();
    const r = await evalwire(["run"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(fake.requests).toHaveLength(0);
    expect(evaluation(resultsById(runDirs(cwd)[0]!).france, "right_capital").error).toMatch(`the environment variable ${keyVariable} is not set`);
  });
});

describe("the judge limit", () => {
  it("is shared by the judges of experiments running at once, each in its own worker thread", async () => {
    const cwd = temp("evalwire-judge-limit-");
    writeFileSync(
      join(cwd, "evalwire.toml"),
      `[experiments]\ndir = ${JSON.stringify(fixture("llm-judge-shared-limit"))}\nconcurrency = 2\n[judge]\nbase_url = "${fake.baseUrl}"\nmodel = "judge-model"\napi_key_env = "${keyVariable}"\nconcurrency = 1\ncache = false\n`,
    );
    fake.maxInFlight = 0;
    // Long enough that the two experiments are judging at the same time.
    fake.handle = (request) => ({ ...grade(request), delayMs: 1000 });
    const r = await evalwire(["run"], cwd, env);
    expect(r.code, describeRun(r)).toBe(0);
    expect(fake.requests).toHaveLength(6);
    expect(fake.maxInFlight).toBe(1);
  });
});

describe("a @arizeai/phoenix-evals classifier as an evaluator file", () => {
  it("runs offline against a local chat-completions endpoint, its label and explanation recorded", async () => {
    const seen: string[] = [];
    fake.handle = (request) => {
      const prompt = JSON.stringify(request.body.messages);
      seen.push(prompt);
      const right = !prompt.includes("Kyoto");
      return completion(JSON.stringify({ explanation: right ? "The capital is right." : "Kyoto is not the capital of Japan.", label: right ? "correct" : "incorrect" }));
    };
    const cwd = temp("evalwire-phoenix-evals-");
    const r = await evalwire(["run", "--experiments", fixture("phoenix-evals")], cwd, { ...env, FAKE_LLM_BASE_URL: fake.baseUrl });
    expect(r.code, describeRun(r)).toBe(0);
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests[0]!.body.response_format?.type).toBe("json_schema");
    expect(seen.some((prompt) => prompt.includes("The capital of Japan is Kyoto."))).toBe(true);
    const results = resultsById(runDirs(cwd)[0]!);
    expect(evaluation(results.france, "correctness")).toMatchObject({ score: 1, label: "correct", explanation: "The capital is right.", error: null });
    expect(evaluation(results.japan, "correctness")).toMatchObject({ score: 0, label: "incorrect", explanation: "Kyoto is not the capital of Japan.", error: null });
  });
});
