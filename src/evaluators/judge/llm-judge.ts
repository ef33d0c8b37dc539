import type { EvaluatorArgs, Score } from "../../types.js";
import type { BuiltInEvaluator } from "../built-in.js";
import { atPath, checkOptions, type FieldOptions, rules } from "../options.js";
import type { JudgeAnswer } from "./answer.js";
import { criterionMessages, templateMessages, unknownPlaceholders } from "./prompt.js";
import { judgeState } from "./settings.js";

export interface LlmJudgeOptions extends FieldOptions {
  /** What a good output does, in a sentence: evalwire writes the rest of the prompt. */
  criterion?: string;
  /** The whole prompt instead, with `{{input}}`, `{{output}}`, `{{expected}}`, `{{metadata}}` (and dot paths into them). */
  prompt?: string;
  model?: string;
  baseUrl?: string;
  /** The environment variable holding the API key. */
  apiKeyEnv?: string;
  /** Per request, in milliseconds. */
  timeout?: number;
  retries?: number;
  /** false: always ask, never store. */
  cache?: boolean;
}

const ownRules = {
  criterion: rules.text,
  prompt: rules.text,
  model: rules.text,
  baseUrl: { check: isHttpUrl, allowed: "an http(s) URL such as http://localhost:11434/v1" },
  apiKeyEnv: rules.text,
  timeout: rules.wholeFrom(1),
  retries: rules.wholeFrom(0),
  cache: rules.boolean,
};

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string" || !URL.canParse(value)) return false;
  const { protocol, hostname } = new URL(value);
  return (protocol === "http:" || protocol === "https:") && hostname !== "";
}

/**
 * An evaluator that asks a model (an OpenAI-compatible chat-completions endpoint) whether the
 * output meets a criterion, for a structured `{ pass, score, reason }`. The endpoint comes from
 * `[judge]` in evalwire.toml, overridden by these options. A call that fails or an answer that
 * cannot be read is an evaluator error, never a low score.
 */
export function llmJudge(options: LlmJudgeOptions): BuiltInEvaluator<Promise<Score>> {
  const judge = checkOptions<LlmJudgeOptions>("llmJudge", options, ownRules);
  // Checked here, not by a rule, so that a key pasted in place of its variable's name is never echoed.
  if (judge.apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(judge.apiKeyEnv)) {
    throw new TypeError('llmJudge: option "apiKeyEnv" must be the name of an environment variable, such as OPENAI_API_KEY, not the key itself');
  }
  if ((judge.criterion === undefined) === (judge.prompt === undefined)) throw new TypeError('llmJudge: give exactly one of "criterion" and "prompt"');
  const unknown = judge.prompt ? unknownPlaceholders(judge.prompt) : [];
  if (unknown.length > 0) throw new TypeError(`llmJudge: option "prompt": unknown placeholder {{${unknown[0]}}} (use input, output, expected or metadata)`);

  return async ({ input, output, expected, metadata, signal }: EvaluatorArgs): Promise<Score> => {
    const { settings, slots } = judgeState();
    // Loaded with the first judge call, not by every file that imports the built-ins (node:crypto, the cache, the client).
    const [{ askJudge, JudgeError }, { JudgeCache }, { parseAnswer }] = await Promise.all([import("./ask.js"), import("./cache.js"), import("./answer.js")]);
    const model = judge.model ?? settings.model;
    if (!model) throw new JudgeError("no judge model: set [judge] model in evalwire.toml, or pass { model } to llmJudge");
    const values = { input, output: atPath(output, judge.outputKey), expected: atPath(expected, judge.expectedKey), metadata };
    const messages = judge.criterion !== undefined ? criterionMessages(judge.criterion, values) : templateMessages(judge.prompt!, values);

    const cache = settings.cacheDir !== null && judge.cache !== false ? new JudgeCache(settings.cacheDir) : null;
    const key = JudgeCache.key(model, messages);
    const cached = await cache?.get(key);
    if (cached) return score(cached, model, true);

    const endpoint = {
      baseUrl: judge.baseUrl ?? settings.baseUrl,
      apiKeyEnv: judge.apiKeyEnv ?? settings.apiKeyEnv,
      timeoutMs: judge.timeout ?? settings.timeoutMs,
      retries: judge.retries ?? settings.retries,
    };
    const answer = parseAnswer(await askJudge(endpoint, { model, messages }, slots, signal));
    await cache?.set(key, model, answer);
    return score(answer, model, false);
  };
}

function score(answer: JudgeAnswer, model: string, cached: boolean): Score {
  return { score: answer.score, label: answer.pass ? "pass" : "fail", explanation: answer.reason, metadata: { model, cached } };
}
