import { z } from "zod";
import type { EvaluatorArgs, Score } from "../../types.js";
import { parseAnswer, type JudgeAnswer } from "./answer.js";
import { askJudge, JudgeError } from "./ask.js";
import { JudgeCache } from "./cache.js";
import { criterionMessages, templateMessages, unknownPlaceholders } from "./prompt.js";
import { judgeState } from "./settings.js";

const optionsSchema = z.strictObject({
  /** What a good output does, in a sentence: evalwire writes the rest of the prompt. */
  criterion: z.string().trim().min(1).optional(),
  /** The whole prompt, with `{{input}}`, `{{output}}`, `{{expected}}`, `{{metadata}}` (and dot paths into them). */
  prompt: z.string().trim().min(1).optional(),
  model: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name").optional(),
  /** Per request, in milliseconds. */
  timeout: z.number().int().min(1).optional(),
  retries: z.number().int().min(0).optional(),
  /** false: always ask, never store. */
  cache: z.boolean().optional(),
  outputKey: z.string().min(1).optional(),
  expectedKey: z.string().min(1).optional(),
});

export type LlmJudgeOptions = z.input<typeof optionsSchema>;

/**
 * An evaluator that asks a model (an OpenAI-compatible chat-completions endpoint) whether the
 * output meets a criterion, for a structured `{ pass, score, reason }`. The endpoint comes from
 * `[judge]` in evalwire.toml, overridden by these options. A call that fails or an answer that
 * cannot be read is an evaluator error, never a low score.
 */
export function llmJudge(options: LlmJudgeOptions) {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.code === "unrecognized_keys" ? issue.keys[0] : issue.path.join(".");
    throw new TypeError(issue.code === "unrecognized_keys" ? `llmJudge: unknown option "${key}"` : `llmJudge: option "${key}": ${issue.message}`);
  }
  const judge = parsed.data;
  if ((judge.criterion === undefined) === (judge.prompt === undefined)) throw new TypeError('llmJudge: give exactly one of "criterion" and "prompt"');
  const unknown = judge.prompt ? unknownPlaceholders(judge.prompt) : [];
  if (unknown.length > 0) throw new TypeError(`llmJudge: option "prompt": unknown placeholder {{${unknown[0]}}} (use input, output, expected or metadata)`);

  return async ({ input, output, expected, metadata, signal }: EvaluatorArgs): Promise<Score> => {
    const { settings, slots } = judgeState();
    const model = judge.model ?? settings.model;
    if (!model) throw new JudgeError("no judge model: set [judge] model in evalwire.toml, or pass { model } to llmJudge");
    const values = { input, output: at(output, judge.outputKey), expected: at(expected, judge.expectedKey), metadata };
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

/** The value at a dot path (`answer.text`), or the whole value when no path is given. */
function at(value: unknown, path: string | undefined): unknown {
  if (path === undefined) return value;
  return path.split(".").reduce<unknown>((current, key) => (current && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined), value);
}
