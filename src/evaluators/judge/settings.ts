import { resolve } from "node:path";
import type { Worker } from "node:worker_threads";
import { SharedSlots } from "./shared-slots.js";

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

const judgeKeys = ["baseUrl", "model", "apiKeyEnv", "concurrency", "timeoutMs", "retries", "cacheDir"] as const satisfies readonly (keyof JudgeSettings)[];

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

/** What a worker thread needs to judge as the run does: the settings, and the run's shared limit. */
export interface JudgeHandoff {
  settings: JudgeSettings;
  slots: SharedArrayBuffer;
}

interface JudgeState {
  settings: JudgeSettings;
  /** The one limit every judge of the run shares, across threads. */
  slots: SharedSlots;
}

// Kept on globalThis, not in this module: an evaluator file may import a second copy of evalwire
// (a local install beside a global CLI, or through tsx's CommonJS loader), and its judges must
// still see the run's settings and share the run's limit.
const key = Symbol.for("evalwire.judge");
type Holder = { [key]?: JudgeState };

/**
 * Called once by the runner before evaluator files run: every judge of the run uses these settings.
 * In your own script, give the ones you change; the others are `[judge]`'s defaults.
 */
export function configureJudge(settings: Partial<JudgeSettings>): void {
  const whole = { ...defaultJudgeSettings(process.cwd()), ...settings };
  const unknown = Object.keys(settings).find((name) => !(judgeKeys as readonly string[]).includes(name));
  if (unknown !== undefined) throw new TypeError(`configureJudge: unknown option "${unknown}" (options: ${judgeKeys.join(", ")})`);
  for (const [name, least] of [
    ["concurrency", 1],
    ["timeoutMs", 1],
    ["retries", 0],
  ] as const) {
    const value = whole[name];
    if (!Number.isSafeInteger(value) || value < least) throw new TypeError(`configureJudge: ${name} must be a whole number from ${least} up (got ${JSON.stringify(value)})`);
  }
  (globalThis as Holder)[key] = { settings: whole, slots: SharedSlots.create(whole.concurrency) };
}

/** The run's settings and limit; defaults (cache under the working directory) when nothing configured them. */
export function judgeState(): JudgeState {
  const holder = globalThis as Holder;
  holder[key] ??= { settings: defaultJudgeSettings(process.cwd()), slots: SharedSlots.create(judgeDefaults.concurrency) };
  return holder[key];
}

/** For a worker's `workerData`: the run's settings and limit, shared with the new thread. */
export function judgeHandoff(): JudgeHandoff {
  const { settings, slots } = judgeState();
  return { settings, slots: slots.buffer };
}

/** In a worker thread: judge with the settings and the limit of the thread that started it. */
export function receiveJudge(handoff: JudgeHandoff): void {
  (globalThis as Holder)[key] = { settings: handoff.settings, slots: new SharedSlots(handoff.slots) };
}

/** A worker stopped mid-call never gives its judge slots back: this frees them when it exits. */
export function releaseJudgeSlotsOnExit(worker: Worker): void {
  const { threadId } = worker;
  const { slots } = judgeState();
  worker.once("exit", () => slots.releaseAllOf(threadId));
}
