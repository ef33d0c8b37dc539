import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveSettings } from "../../src/config/settings.js";
import { UsageError } from "../../src/errors.js";
import { retryAfterMs } from "../../src/evaluators/judge/retry-after.js";
import { configureJudge, defaultJudgeSettings, judgeDefaults, judgeState } from "../../src/evaluators/judge/settings.js";
import { tempDir } from "../helpers/cli.js";
import { thrownMessage } from "../helpers/errors.js";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});

function project(toml: string): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  writeFileSync(join(dir, "evalwire.toml"), toml);
  return dir;
}

describe("[judge] in evalwire.toml", () => {
  it("has defaults: OpenAI's endpoint, OPENAI_API_KEY, no model, a cache under the working directory", () => {
    const cwd = project("");
    expect(resolveSettings({}, {}, cwd).judge).toEqual({
      baseUrl: "https://api.openai.com/v1",
      model: null,
      apiKeyEnv: "OPENAI_API_KEY",
      concurrency: 4,
      timeoutMs: 60_000,
      retries: 3,
      cacheDir: join(cwd, ".evalwire", "cache", "judge"),
    });
  });

  it("reads every key", () => {
    const cwd = project('[judge]\nbase_url = "http://127.0.0.1:11434/v1"\nmodel = "llama3"\napi_key_env = "LOCAL_KEY"\nconcurrency = 2\ntimeout = 5000\nretries = 0\ncache = false\n');
    expect(resolveSettings({}, {}, cwd).judge).toEqual({
      baseUrl: "http://127.0.0.1:11434/v1",
      model: "llama3",
      apiKeyEnv: "LOCAL_KEY",
      concurrency: 2,
      timeoutMs: 5000,
      retries: 0,
      cacheDir: null,
    });
  });

  it.each([
    ['[judge]\nbase_url = "api.openai.com"\n', 'evalwire.toml: [judge] base_url: expected a URL such as https://api.openai.com/v1 (got "api.openai.com")'],
    // A key pasted in place of its variable's name is never echoed.
    ['[judge]\napi_key_env = "sk-abc-123"\n', "evalwire.toml: [judge] api_key_env: expected the name of an environment variable, such as OPENAI_API_KEY, not the key itself"],
    ["[judge]\nconcurrency = 0\n", "evalwire.toml: [judge] concurrency: expected a whole number from 1 up (got 0)"],
    ['[judge]\nmodle = "x"\n', /^evalwire.toml: unknown key \[judge\] modle.*model/],
  ])("names the key of a bad value: %j", (toml, message) => {
    expect(thrownMessage(() => resolveSettings({}, {}, project(toml)), UsageError)).toMatch(message);
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const headers = (values: Record<string, string>) => new Headers(values);

  it("reads seconds, decimals, HTTP dates and retry-after-ms", () => {
    expect(retryAfterMs(headers({ "retry-after": "3" }), now)).toBe(3000);
    expect(retryAfterMs(headers({ "retry-after": "0.5" }), now)).toBe(500);
    expect(retryAfterMs(headers({ "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" }), now)).toBe(7000);
    expect(retryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "3" }), now)).toBe(250);
  });

  it("a date in the past means now; nothing readable means null", () => {
    expect(retryAfterMs(headers({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }), now)).toBe(0);
    expect(retryAfterMs(headers({ "retry-after": "soon" }), now)).toBeNull();
    expect(retryAfterMs(headers({}), now)).toBeNull();
  });
});

describe("configureJudge in your own script", () => {
  afterEach(() => configureJudge(defaultJudgeSettings(process.cwd())));

  it("takes some of the settings: the others are [judge]'s defaults", () => {
    configureJudge({ baseUrl: "http://127.0.0.1:1/v1", model: "judge-model" });
    expect(judgeState().settings).toEqual({ ...defaultJudgeSettings(process.cwd()), baseUrl: "http://127.0.0.1:1/v1", model: "judge-model" });
    expect(judgeState().slots.buffer.byteLength).toBe((judgeDefaults.concurrency + 1) * 4);
  });

  it("refuses a key it does not know (the TOML spelling base_url, say) and a concurrency that is not a whole number from 1, naming them", () => {
    expect(thrownMessage(() => configureJudge({ base_url: "http://127.0.0.1:1/v1" } as never), TypeError)).toBe(
      'configureJudge: unknown option "base_url" (options: baseUrl, model, apiKeyEnv, concurrency, timeoutMs, retries, cacheDir)',
    );
    expect(thrownMessage(() => configureJudge({ concurrency: 0 }), TypeError)).toBe("configureJudge: concurrency must be a whole number from 1 up (got 0)");
    expect(thrownMessage(() => configureJudge({ retries: -1 }), TypeError)).toBe("configureJudge: retries must be a whole number from 0 up (got -1)");
  });
});
