// A Phoenix URL or API key that is wrong, as a user gets them wrong: one line that names what to fix,
// said at once (no retries of an answer that will not change), exit code 1, against real servers.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun, echoRows, evalwire, makeExperiments, uniqueName, uploadDataset, useTempDirs } from "./_support.js";
import { startFaultProxy } from "./fault-proxy.js";
import { describePhoenix, phoenix } from "./phoenix.js";
import { type PhoenixServer, startPhoenix } from "./server.js";

const temp = useTempDirs();

describePhoenix("wrong Phoenix settings", () => {
  it("a URL with a path Phoenix's UI answers (…/v1) is named as not the REST API, asked once", async () => {
    const dataset = uniqueName("wrong_url");
    await uploadDataset(phoenix().url, dataset, echoRows(2));
    const cwd = temp();
    makeExperiments(cwd, [{ folder: dataset }]);
    const proxy = await startFaultProxy(phoenix().url, () => "pass");
    try {
      const run = await evalwire(["run"], cwd, `${proxy.url}/v1`);
      expect(run.code, describeRun(run)).toBe(1);
      expect(run.stdout).toContain(
        `looking up dataset "${dataset}": ${proxy.url}/v1 answered with a web page, not Phoenix's REST API; set the Phoenix URL (--phoenix-url, PHOENIX_HOST or [phoenix] base_url) to the address Phoenix is served at`,
      );
      expect(run.all).not.toContain("cannot reach");
      // A page will not turn into the API on a retry.
      expect(proxy.counts.pass).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  describe("with authentication on", () => {
    let server: PhoenixServer | undefined;
    const adminKey = "evalwire-test-admin-0123456789-abcdefghijklmnop";
    beforeAll(async () => {
      server = await startPhoenix({
        timeoutMs: 240_000,
        env: { PHOENIX_ENABLE_AUTH: "true", PHOENIX_SECRET: "evalwire-test-secret-0123456789-abcdefghijklmnop", PHOENIX_ADMIN_SECRET: adminKey },
      });
    }, 300_000);
    afterAll(async () => server?.stop());

    it("no key or a wrong key: the line names PHOENIX_API_KEY; a valid key uploads and runs", async () => {
      const url = server!.url;
      const dataset = uniqueName("auth");
      const cwd = temp();
      makeExperiments(cwd, [{ folder: dataset }]);
      const file = join(cwd, `${dataset}.jsonl`);
      writeFileSync(
        file,
        `${echoRows(3)
          .map((row) => JSON.stringify({ input: row.input, output: row.output }))
          .join("\n")}\n`,
      );

      for (const key of [undefined, "not-a-key"]) {
        const env: Record<string, string> = key ? { PHOENIX_API_KEY: key } : {};
        const run = await evalwire(["run"], cwd, url, env);
        expect(run.code, describeRun(run)).toBe(1);
        expect(run.stdout).toContain(`looking up dataset "${dataset}": Phoenix at ${url} answered 401 (Invalid token): set PHOENIX_API_KEY to a valid API key for this server`);
        const upload = await evalwire(["upload", file], cwd, url, env);
        expect(upload.code, describeRun(upload)).toBe(1);
        expect(upload.stderr).toContain("answered 401 (Invalid token): set PHOENIX_API_KEY to a valid API key for this server");
        const pull = await evalwire(["pull", dataset], cwd, url, env);
        expect(pull.code, describeRun(pull)).toBe(1);
        expect(pull.stderr).toContain("set PHOENIX_API_KEY");
      }

      const env = { PHOENIX_API_KEY: adminKey };
      const upload = await evalwire(["upload", file], cwd, url, env);
      expect(upload.code, describeRun(upload)).toBe(0);
      const run = await evalwire(["run"], cwd, url, env);
      expect(run.code, describeRun(run)).toBe(0);
      expect(run.all).not.toContain(adminKey);
    });
  });
});
