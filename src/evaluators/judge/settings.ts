import { resolve } from "node:path";
import pLimit, { type LimitFunction } from "p-limit";

/** How LLM judges reach their endpoint: `[judge]` in evalwire.toml, each key overridable per `llmJudge({...})` call. */
export interface JudgeSettings {
  /** An OpenAI-compatible API root, such as https://api.openai.com/v1. */
  baseUrl: string;
  /** null until evalwire.toml or the `llmJudge` call names one. */
  model: string | null;
  /** The environment variable holding the API key (never the key itself). */
  apiKeyEnv: string;
  /** Judge calls in flight at once, shared by every judge of the run. */
  concurrency: number;
  /** Per request, in milliseconds. */
  timeoutMs: number;
  /** Tries after the first, on 429, 5xx, timeouts and network errors. */
  retries: number;
  /** Where answers are cached; null turns the cache off. */
  cacheDir: string | null;
}

export const judgeDefaults = {
  baseUrl: "https://api.openai.com/v1",
  apiKeyEnv: "OPENAI_API_KEY",
  concurrency: 4,
  timeoutMs: 60_000,
  retries: 3,
  cacheDir: ".evalwire/cache/judge",
} as const;

export function defaultJudgeSettings(cwd: string): JudgeSettings {
  return { ...judgeDefaults, model: null, cacheDir: resolve(cwd, judgeDefaults.cacheDir) };
}

interface JudgeState {
  settings: JudgeSettings;
  /** The one limit every judge of the run shares. */
  limit: LimitFunction;
}

// Kept on globalThis, not in this module: an evaluator file may import a second copy of evalwire
// (a local install beside a global CLI, or through tsx's CommonJS loader), and its judges must
// still see the run's settings and share the run's limit.
const slot = Symbol.for("evalwire.judge");
type Holder = { [slot]?: JudgeState };

/** Called once by the runner before evaluator files run: every judge of the run uses these settings. */
export function configureJudge(settings: JudgeSettings): void {
  (globalThis as Holder)[slot] = { settings, limit: pLimit(settings.concurrency) };
}

/** The run's settings and limit; defaults (cache under the working directory) when nothing configured them. */
export function judgeState(): JudgeState {
  const holder = globalThis as Holder;
  holder[slot] ??= { settings: defaultJudgeSettings(process.cwd()), limit: pLimit(judgeDefaults.concurrency) };
  return holder[slot];
}
