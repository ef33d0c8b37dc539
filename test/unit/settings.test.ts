import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveSettings } from "../../src/config/settings.js";
import { UsageError } from "../../src/errors.js";
import { tempDir } from "../helpers/cli.js";
import { thrownMessage } from "../helpers/errors.js";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});

function project(toml?: string): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  if (toml !== undefined) writeFileSync(join(dir, "evalwire.toml"), toml);
  return dir;
}

describe("resolveSettings", () => {
  it("uses the defaults without a file, relative to the working directory", () => {
    const cwd = project();
    const settings = resolveSettings({}, {}, cwd);
    expect(settings).toMatchObject({
      configFile: null,
      experimentsDir: join(cwd, "experiments"),
      prefix: "eval",
      concurrency: 1,
      knobs: { timeoutMs: 300_000, repetitions: 1, exampleConcurrency: 10, metadata: {} },
      overrides: {},
      runsDir: join(cwd, ".evalwire", "runs"),
      datasetsDir: null,
      csv: { inputKeys: ["user_query"], outputKeys: ["expected_output"], tagColumn: "tags", delimiter: "|" },
      backend: { kind: "local" },
    });
  });

  it("resolves paths in the file against the file's folder, not the working directory", () => {
    const cwd = project();
    const configDir = join(cwd, "conf");
    mkdirSync(configDir);
    writeFileSync(join(configDir, "evalwire.toml"), '[experiments]\ndir = "evals"\n[local]\ndatasets_dir = "../data"\nruns_dir = "out"\n');
    const settings = resolveSettings({ config: "conf/evalwire.toml" }, {}, cwd);
    expect(settings.experimentsDir).toBe(join(configDir, "evals"));
    expect(settings.datasetsDir).toBe(join(cwd, "data"));
    expect(settings.runsDir).toBe(join(configDir, "out"));
  });

  it("lets a flag win over the file, and the file over the default", () => {
    const cwd = project('[experiments]\nprefix = "nightly"\nconcurrency = 3\ntimeout = 1000\nrepetitions = 2\n[experiments.metadata]\nteam = "search"\n');
    const fromFile = resolveSettings({}, {}, cwd);
    expect(fromFile).toMatchObject({ prefix: "nightly", concurrency: 3, knobs: { timeoutMs: 1000, repetitions: 2, metadata: { team: "search" } } });
    const flagged = resolveSettings({ prefix: "pr", concurrency: 1, timeout: 5, experiments: "x" }, {}, cwd);
    expect(flagged).toMatchObject({ prefix: "pr", concurrency: 1, overrides: { timeoutMs: 5 }, experimentsDir: join(cwd, "x") });
  });

  it("reads comma lists and arrays for CSV keys", () => {
    const cwd = project('[dataset]\ninput_keys = "q, lang"\noutput_keys = ["answer"]\ndelimiter = ";"\n');
    expect(resolveSettings({}, {}, cwd).csv).toEqual({ inputKeys: ["q", "lang"], outputKeys: ["answer"], tagColumn: "tags", delimiter: ";" });
    expect(resolveSettings({}, {}, project("[dataset]\noutput_keys = []\n")).csv.outputKeys).toEqual([]);
  });

  it("picks Phoenix by flag over environment over file, and local when none is set", () => {
    const cwd = project('[phoenix]\nbase_url = "http://file:6006"\n');
    expect(resolveSettings({}, {}, cwd).backend).toMatchObject({ kind: "phoenix", baseUrl: "http://file:6006", source: expect.stringMatching(/evalwire\.toml: \[phoenix\] base_url$/) });
    expect(resolveSettings({}, { PHOENIX_HOST: "http://env:6006" }, cwd).backend).toMatchObject({ baseUrl: "http://env:6006", source: "PHOENIX_HOST" });
    expect(resolveSettings({}, { PHOENIX_BASE_URL: "http://alias:6006" }, cwd).backend).toMatchObject({ baseUrl: "http://alias:6006" });
    expect(resolveSettings({ phoenixUrl: "http://flag:6006" }, { PHOENIX_HOST: "http://env:6006" }, cwd).backend).toMatchObject({ baseUrl: "http://flag:6006" });
    expect(resolveSettings({ backend: "local" }, { PHOENIX_HOST: "http://env:6006" }, cwd).backend).toEqual({ kind: "local" });
    expect(resolveSettings({}, {}, project()).backend).toEqual({ kind: "local" });
  });

  it("trims a Phoenix URL or API key pasted with spaces or a newline around it, and refuses a URL with a space inside", () => {
    expect(resolveSettings({}, { PHOENIX_HOST: "http://env:6006", PHOENIX_API_KEY: "key\n" }, project()).backend).toMatchObject({ apiKey: "key" });
    expect(resolveSettings({}, { PHOENIX_HOST: " http://env:6006/ \n" }, project()).backend).toMatchObject({ baseUrl: "http://env:6006/" });
    expect(resolveSettings({ phoenixUrl: "http://flag:6006\t" }, {}, project()).backend).toMatchObject({ baseUrl: "http://flag:6006" });
    expect(thrownMessage(() => resolveSettings({}, { PHOENIX_HOST: "http://env:6006/ x" }, project()), UsageError)).toMatch(/^PHOENIX_HOST: expected a URL/);
  });

  it("reads the API key and headers from the environment", () => {
    const backend = resolveSettings({ backend: "phoenix" }, { PHOENIX_API_KEY: "k", PHOENIX_CLIENT_HEADERS: '{"x-team":"a"}' }, project());
    expect(backend.backend).toEqual({ kind: "phoenix", baseUrl: "http://localhost:6006", source: "default", apiKey: "k", headers: { "x-team": "a" }, traces: true });
  });

  it("exports task spans unless --no-traces or [phoenix] traces = false says not to; the flag wins", () => {
    const traced = (flags: { traces?: boolean }, toml: string) => {
      const backend = resolveSettings({ backend: "phoenix", ...flags }, {}, project(toml)).backend;
      return backend.kind === "phoenix" ? backend.traces : null;
    };
    expect(traced({}, "")).toBe(true);
    expect(traced({ traces: false }, "")).toBe(false);
    expect(traced({}, "[phoenix]\ntraces = false\n")).toBe(false);
    expect(traced({ traces: true }, "[phoenix]\ntraces = false\n")).toBe(true);
  });

  it.each([
    ["[experiments]\nconcurency = 2\n", /evalwire.toml: unknown key \[experiments\] concurency.*known keys here: dir, prefix, concurrency/],
    ["[experiment]\ndir = 'x'\n", /evalwire.toml: unknown key experiment; known keys here: experiments, dataset, phoenix, local/],
    ['[experiments]\nprefix = "ci/pr"\n', /\[experiments\] prefix: must not contain \/ or \\/],
    ["[experiments]\nconcurrency = 0\n", /\[experiments\] concurrency: expected a whole number from 1 up \(got 0\)/],
    ['[experiments]\ntimeout = "10s"\n', /\[experiments\] timeout: .*\(got "10s"\)/],
    ['[dataset]\non_exist = "replace"\n', /\[dataset\] on_exist: .*\(got "replace"\)/],
    ['[phoenix]\nbase_url = "localhost"\n', /\[phoenix\] base_url: expected a URL/],
    ["[experiments\ndir = 1\n", /evalwire.toml:1:\d+: invalid TOML/],
  ])("names the key at fault in %j", (toml, message) => {
    const cwd = project(toml);
    expect(thrownMessage(() => resolveSettings({}, {}, cwd), UsageError)).toMatch(message);
  });

  it("fails on an explicit --config that does not exist", () => {
    expect(thrownMessage(() => resolveSettings({ config: "missing.toml" }, {}, project()), UsageError)).toBe("--config missing.toml: no such file");
  });

  it("rejects a Phoenix URL that is not one, naming where it came from", () => {
    expect(thrownMessage(() => resolveSettings({ phoenixUrl: "not-a-url" }, {}, project()), UsageError)).toMatch(/^--phoenix-url\b.*not-a-url/);
    expect(thrownMessage(() => resolveSettings({}, { PHOENIX_HOST: "127.0.0.1" }, project()), UsageError)).toMatch(/^PHOENIX_HOST: expected a URL/);
    expect(thrownMessage(() => resolveSettings({ backend: "phoenix" }, { PHOENIX_CLIENT_HEADERS: "x" }, project()), UsageError)).toMatch(/^PHOENIX_CLIENT_HEADERS/);
  });
});

describe("evalwire.toml.example", () => {
  it("is a valid config whose values are the defaults", async () => {
    const { readFileSync } = await import("node:fs");
    const { root } = await import("../helpers/cli.js");
    const cwd = project(readFileSync(join(root, "evalwire.toml.example"), "utf8"));
    const settings = resolveSettings({}, {}, cwd);
    const defaults = resolveSettings({}, {}, project());
    expect({
      ...settings,
      configFile: null,
      experimentsDir: "",
      runsDir: "",
      cache: { ...settings.cache, dir: "" },
      knobs: { ...settings.knobs, metadata: {} },
      thresholds: { ...settings.thresholds, rootLabel: "evalwire.toml" },
      judge: { ...settings.judge, cacheDir: "" },
    }).toEqual({
      ...defaults,
      experimentsDir: "",
      runsDir: "",
      cache: { ...defaults.cache, dir: "" },
      judge: { ...defaults.judge, cacheDir: "" },
    });
    expect(settings.knobs.metadata).toEqual({ team: "search" });
  });

  it("names every key of every section, set or commented out (the README says it lists them all)", async () => {
    const { readFileSync } = await import("node:fs");
    const { root } = await import("../helpers/cli.js");
    const { rootConfigSchema } = await import("../../src/config/schema.js");
    const text = readFileSync(join(root, "evalwire.toml.example"), "utf8");
    type Node = { unwrap?: () => Node; shape?: Record<string, Node> };
    const unwrap = (node: Node): Node => (typeof node.unwrap === "function" ? unwrap(node.unwrap()) : node);
    const missing: string[] = [];
    for (const [section, node] of Object.entries((rootConfigSchema as unknown as Node).shape!)) {
      if (!new RegExp(`^\\[${section}\\]`, "m").test(text)) missing.push(`[${section}]`);
      for (const key of Object.keys(unwrap(node).shape ?? {})) {
        if (!new RegExp(`^#? ?(${key} =|\\[${section}\\.${key}\\])`, "m").test(text)) missing.push(`[${section}] ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("an experiment folder's evalwire.toml", () => {
  it("may not name a dataset that would leave the runs folder", async () => {
    const { discoverExperiments, requireValidConfig } = await import("../../src/discovery/discover.js");
    const { mkdirSync } = await import("node:fs");
    const cwd = project();
    mkdirSync(join(cwd, "experiments", "sneaky"), { recursive: true });
    writeFileSync(join(cwd, "experiments", "sneaky", "task.ts"), "export const task = () => 1;");
    writeFileSync(join(cwd, "experiments", "sneaky", "evalwire.toml"), 'dataset = "../../outside"\n');
    const folders = discoverExperiments(join(cwd, "experiments"));
    expect(folders[0]!.configError).toMatch(/sneaky\/evalwire.toml: dataset: must not contain \//);
    expect(thrownMessage(() => requireValidConfig(folders), UsageError)).toBe(folders[0]!.configError);
  });
});
