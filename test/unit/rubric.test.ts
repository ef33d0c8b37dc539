import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LoadError } from "../../src/errors.js";
import { configureJudge, defaultJudgeSettings } from "../../src/evaluators/judge/settings.js";
import { criterionTypes } from "../../src/evaluators/rubric/criterion.js";
import { evaluatorsFor, exampleRubricName, withExampleRubricName } from "../../src/evaluators/rubric/example-rubric.js";
import { loadRubric } from "../../src/evaluators/rubric/load-rubric.js";
import type { EvaluatorArgs, Example } from "../../src/types.js";
import { tempDir, writeFiles } from "../helpers/cli.js";
import { thrownMessage } from "../helpers/errors.js";
import { type FakeLlm, startFakeLlm, verdict } from "../helpers/fake-llm.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

/** A folder holding rubric.yaml with this text. */
function folder(yaml: string): string {
  const { dir, remove } = tempDir("evalwire-rubric-");
  cleanup.push(remove);
  return writeFiles(dir, { "rubric.yaml": yaml });
}

function args(output: unknown, expected: Record<string, unknown> = {}, durationMs = 1): EvaluatorArgs {
  const example: Example = { id: "ex-1", input: { message: "hi" }, output: expected, metadata: {} };
  return { input: example.input, output, expected, metadata: {}, example, durationMs, signal: new AbortController().signal };
}

/** The one evaluator a one-criterion rubric declares, as YAML flow text. */
async function scoreOf(criterion: string, output: unknown, expected: Record<string, unknown> = {}, durationMs = 1) {
  const [evaluator] = loadRubric(folder(`criteria:\n  - ${criterion}\n`));
  return evaluator!.evaluate(args(output, expected, durationMs)) as Promise<{ score: number | null; label: string | null; explanation: string | null }>;
}

describe("rubric.yaml criteria: every type builds its factory", () => {
  it("knows exactly the factories' types", () => {
    expect([...criterionTypes].sort()).toEqual(
      [
        "exact_match",
        "contains",
        "not_contains",
        "min_length",
        "max_length",
        "max_duration_ms",
        "tools_used",
        "tool_call_correctness",
        "state_verification",
        "pii_safety",
        "refusal",
        "regex_match",
        "json_match",
        "is_in",
        "top_k",
        "numeric_close",
        "schema_valid",
        "llm_judge",
      ].sort(),
    );
  });

  it.each([
    ["{ type: exact_match, value: Paris }", "Paris", {}, 1],
    ["{ type: exact_match, value: Paris }", "Lyon", {}, 0],
    ["{ type: exact_match }", "Paris", { expected_output: "Paris" }, 1],
    ["{ type: exact_match, expected_key: city }", "Paris", { city: "Lyon" }, 0],
    ["{ type: is_in, value: [a, b] }", "b", {}, 1],
    ["{ type: is_in, value: [a, b] }", "c", {}, 0],
    ["{ type: contains, field: answer, value: refund }", { answer: "your refund is on its way" }, {}, 1],
    ["{ type: contains, field: answer, value: Refund }", { answer: "your refund" }, {}, 0],
    ["{ type: contains, field: answer, value: Refund, ignore_case: true }", { answer: "your refund" }, {}, 1],
    ["{ type: not_contains, value: [secret, INTERNAL] }", "top secret", {}, 0],
    ["{ type: not_contains, value: secret }", "all clear", {}, 1],
    ["{ type: regex_match, value: '^A-\\d{4}$' }", "A-1234", {}, 1],
    ["{ type: regex_match, value: '^A-\\d{4}$' }", "B-1234", {}, 0],
    ["{ type: json_match, value: { a: 1, b: 2 } }", { a: 1, b: 3 }, {}, 0.5],
    ["{ type: json_match, value: { a: 1, b: 2 }, keys: [a] }", { a: 1, b: 3 }, {}, 1],
    ["{ type: numeric_close, value: 10, atol: 0.5 }", 10.4, {}, 1],
    ["{ type: numeric_close, value: 10, atol: 0.5 }", 11, {}, 0],
    ["{ type: top_k, value: [x], k: 2 }", ["y", "x"], {}, 0.5],
    ["{ type: schema_valid, value: { type: object, required: [id] } }", { id: 1 }, {}, 1],
    ["{ type: schema_valid, value: { type: object, required: [id] } }", {}, {}, 0],
    // axon-eval writes numbers as strings
    ["{ type: min_length, value: '5' }", "abcd", {}, 0],
    ["{ type: min_length, value: 5 }", "abcde", {}, 1],
    ["{ type: max_length, value: 3, field: answer }", { answer: "abcd" }, {}, 0],
    ["{ type: tools_used, expect: [search], reject: [delete] }", { tool_calls: [{ name: "search" }] }, {}, 1],
    ["{ type: tools_used, expect: [search], reject: [delete] }", { tool_calls: [{ name: "search" }, { name: "delete" }] }, {}, 0],
    ["{ type: tool_call_correctness, expect: [{ name: search, arguments: { q: x } }] }", { tool_calls: [{ name: "search", arguments: { q: "x" } }] }, {}, 1],
    ["{ type: tool_call_correctness }", { tool_calls: [{ name: "search", arguments: { q: "y" } }] }, { tool_calls: [{ name: "search", arguments: { q: "x" } }] }, 0],
    ["{ type: state_verification, field: state, expect: { order.status: shipped } }", { state: { order: { status: "shipped" } } }, {}, 1],
    ["{ type: state_verification, field: state }", { state: { order: { status: "lost" } } }, { expected_state: { "order.status": "shipped" } }, 0],
    ["{ type: pii_safety }", "write to ann@example.com", {}, 0],
    ["{ type: pii_safety, allow: [email] }", "write to ann@example.com", {}, 1],
    ["{ type: refusal, should_refuse: true }", "I'm sorry, but I can't help with that.", {}, 1],
    ["{ type: refusal }", "I'm sorry, but I can't help with that.", { should_refuse: false }, 0],
  ])("%s on %j scores %s", async (criterion, output, expected, score) => {
    expect((await scoreOf(criterion, output, expected)).score).toBe(score);
  });

  it("max_duration_ms reads the task's duration", async () => {
    expect((await scoreOf("{ type: max_duration_ms, value: 100 }", "x", {}, 150)).score).toBe(0);
    expect((await scoreOf("{ type: max_duration_ms, value: 100 }", "x", {}, 50)).score).toBe(1);
  });

  it("names each evaluator by name, else by type, and points at the file", () => {
    const dir = folder("criteria:\n  - type: contains\n    value: a\n  - type: contains\n    name: has_b\n    value: b\n");
    const evaluators = loadRubric(dir);
    expect(evaluators.map((evaluator) => evaluator.name)).toEqual(["contains", "has_b"]);
    expect(evaluators[0]!.file).toBe(join(dir, "rubric.yaml"));
  });

  it("pass sets the label from the criterion's own bar", async () => {
    expect(await scoreOf("{ type: json_match, value: { a: 1, b: 2 }, pass: 0.5 }", { a: 1, b: 3 })).toMatchObject({ score: 0.5, label: "pass" });
    expect(await scoreOf("{ type: json_match, value: { a: 1, b: 2 }, pass: 0.75 }", { a: 1, b: 3 })).toMatchObject({ score: 0.5, label: "fail" });
  });

  it("a folder without rubric.yaml declares nothing", () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    expect(loadRubric(dir)).toEqual([]);
  });
});

describe("a bad rubric.yaml is a LoadError naming the file and the entry", () => {
  const load = (yaml: string, taken: string[] = []) => {
    const dir = folder(yaml);
    return thrownMessage(() => loadRubric(dir, taken), LoadError).replace(join(dir, "rubric.yaml"), "rubric.yaml");
  };

  it.each([
    ["criteria:\n  - type: contains\n    value: [1, 2\n", /^rubric\.yaml:4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]$/],
    ["", 'rubric.yaml: no "criteria:" (a list of criteria, such as - type: contains)'],
    ["criteria: contains\n", 'rubric.yaml: "criteria" must be a list of criteria (got "contains")'],
    ["criteria: []\n", 'rubric.yaml: "criteria" is empty: declare at least one criterion'],
    ["criterias:\n  - type: contains\n", 'rubric.yaml: unknown key "criterias" (a rubric has one key, criteria: a list)'],
    ["criteria:\n  - contains\n", 'rubric.yaml: criterion 1: expected a mapping such as { type: contains, value: "refund" } (got "contains")'],
    ["criteria:\n  - value: 3\n", /^rubric\.yaml: criterion 1: no "type" \(one of exact_match, /],
    ["criteria:\n  - type: contains\n  - type: min_len\n    value: 3\n", /^rubric\.yaml: criterion 2: unknown type "min_len" \(one of exact_match, .*min_length/],
    ["criteria:\n  - type: max_length\n    name: short\n    value: lots\n", 'rubric.yaml: criterion 1 ("short", max_length): "value": expected a whole number from 0 up (got "lots")'],
    [
      "criteria:\n  - type: tools_used\n    expected: [search]\n",
      /^rubric\.yaml: criterion 1 \(tools_used\): unknown key "expected" \(keys of tools_used: type, name, field, expected_key, pass, expect, reject\)$/,
    ],
    ["criteria:\n  - type: tools_used\n", 'rubric.yaml: criterion 1 (tools_used): toolsUsed: give option "expect" or "reject" (lists of tool names)'],
    ["criteria:\n  - type: llm_judge\n", 'rubric.yaml: criterion 1 (llm_judge): llmJudge: give exactly one of "criterion" and "prompt"'],
    ["criteria:\n  - type: top_k\n    k: 0\n", 'rubric.yaml: criterion 1 (top_k): "k": expected a number from 1 up (got 0)'],
    ["criteria:\n  - type: tools_used\n    expect: refund_order\n", 'rubric.yaml: criterion 1 (tools_used): "expect": expected a list (got "refund_order")'],
    ["criteria:\n  - type: contains\n    ignore_case: maybe\n", 'rubric.yaml: criterion 1 (contains): "ignore_case": expected true or false (got "maybe")'],
    ["criteria:\n  - type: pii_safety\n    allow: [ssn]\n", 'rubric.yaml: criterion 1 (pii_safety): "allow.0": expected one of email, phone, card (got "ssn")'],
    ["criteria:\n  - type: state_verification\n    expect: [a]\n", 'rubric.yaml: criterion 1 (state_verification): "expect": expected a mapping (got ["a"])'],
    ["criteria:\n  - type: exact_match\n    value: a\n    expected_key: b\n", 'rubric.yaml: criterion 1 (exact_match): give "value" or "expected_key", not both'],
    [
      "criteria:\n  - type: contains\n    value: a\n  - type: contains\n    value: b\n",
      'rubric.yaml: criterion 2 (contains): the name "contains" is taken by criterion 1; give one of them another name',
    ],
  ])("%j", (yaml, message) => {
    if (typeof message === "string") expect(load(yaml)).toBe(message);
    else expect(load(yaml)).toMatch(message);
  });

  it("a criterion may not take the name of an evaluator file of the folder", () => {
    expect(load("criteria:\n  - type: contains\n    name: exact\n    value: a\n", ["exact"])).toBe(
      'rubric.yaml: criterion "exact" has the name of an evaluator file in the same folder; give it another name',
    );
  });
});

describe("per-example criteria (expected.rubric)", () => {
  const example = (id: string, output: Record<string, unknown>): Example => ({ id, input: {}, output, metadata: {} });
  const run = (expected: Record<string, unknown>, output: unknown) => {
    const [rubric] = evaluatorsFor([], example("e1", expected));
    return rubric!.evaluate({ ...args(output, expected), example: example("e1", expected) }) as Promise<any>;
  };

  it("adds one evaluator named rubric to the experiment when some example has criteria, and runs it on those examples only", () => {
    const fileEvaluator = { name: "exact", evaluate: () => 1 };
    const plain = example("a", { expected_output: 1 });
    const withCriteria = example("b", { rubric: [{ type: "contains", value: "x" }] });
    expect(withExampleRubricName(["exact"], [plain])).toEqual(["exact"]);
    expect(withExampleRubricName(["exact"], [plain, withCriteria])).toEqual(["exact", exampleRubricName]);
    expect(evaluatorsFor([fileEvaluator], plain).map((evaluator) => evaluator.name)).toEqual(["exact"]);
    expect(evaluatorsFor([fileEvaluator], withCriteria).map((evaluator) => evaluator.name)).toEqual(["exact", exampleRubricName]);
  });

  it("scores the mean of the example's criteria; the label passes only when all pass; the explanation names the misses", async () => {
    const expected = {
      rubric: [
        { type: "contains", name: "says_refund", value: "refund" },
        { type: "max_length", value: 10 },
        { type: "json_match", value: { a: 1, b: 2 } },
      ],
    };
    const result = await run(expected, "refund issued today");
    expect(result.score).toBeCloseTo((1 + 0 + 0) / 3);
    expect(result.label).toBe("fail");
    expect(result.explanation).toBe("1 of 3 criteria passed; not passed: max_length (0: 19 characters, more than 10); json_match (0: the output is not JSON)");
    expect(result.metadata).toEqual({ criteria: { says_refund: 1, max_length: 0, json_match: 0 } });
    expect(await run({ rubric: [{ type: "contains", value: "refund" }] }, "refund")).toMatchObject({ score: 1, label: "pass", explanation: "1 of 1 criteria passed" });
  });

  it("reads criteria given as JSON text (a CSV cell); an empty list has no score", async () => {
    expect(await run({ rubric: '[{"type": "contains", "value": "ok"}]' }, "ok")).toMatchObject({ score: 1, label: "pass" });
    expect(await run({ rubric: [] }, "ok")).toMatchObject({ score: null, label: "no rubric" });
  });

  it("a bad criterion is an evaluator error naming the example and the entry", async () => {
    await expect(run({ rubric: [{ type: "contains", value: "a" }, { type: "nope" }] }, "a")).rejects.toThrow(/^expected\.rubric of example e1: criterion 2: unknown type "nope"/);
    await expect(run({ rubric: { type: "contains" } }, "a")).rejects.toThrow("expected.rubric of example e1 must be a list of criteria");
  });

  it("a criterion that throws is an evaluator error naming it, never a low score", async () => {
    await expect(run({ rubric: [{ type: "state_verification" }] }, {})).rejects.toThrow(/^criterion "state_verification": stateVerification: expected\.expected_state must be/);
  });

  it("an evaluator named rubric clashes", () => {
    expect(thrownMessage(() => withExampleRubricName(["rubric"], [example("a", { rubric: [{ type: "contains" }] })]), LoadError)).toBe(
      `an evaluator is named "rubric", the name of the examples' expected.rubric scores; rename it`,
    );
  });
});

describe("llm_judge in a rubric", () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm(() => verdict(true, 0.75, "Polite and on topic."));
  });
  afterAll(() => fake.close());

  it("asks the configured judge with the criterion, and keeps its reason", async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    process.env.EVALWIRE_RUBRIC_JUDGE_KEY = "sk-rubric";
    configureJudge({ ...defaultJudgeSettings(dir), baseUrl: fake.baseUrl, model: "judge-model", apiKeyEnv: "EVALWIRE_RUBRIC_JUDGE_KEY", cacheDir: null });
    try {
      const result = await scoreOf("{ type: llm_judge, name: polite, criterion: The reply is polite., field: answer, pass: 0.8 }", { answer: "Thanks for asking!" });
      expect(result).toMatchObject({ score: 0.75, label: "fail", explanation: "Polite and on topic." });
      const prompt = fake.requests[0]!.body.messages.at(-1).content as string;
      expect(prompt).toContain("The reply is polite.");
      expect(prompt).toContain("Thanks for asking!");
    } finally {
      delete process.env.EVALWIRE_RUBRIC_JUDGE_KEY;
    }
  });
});
