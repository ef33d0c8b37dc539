// The flags and config keys of DESIGN.md section 18 (cache, sync, selection, retries), parsed in-process.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { selectionOf } from "../../src/cli/options.js";
import { parseCli } from "../../src/cli/parse.js";
import { resolveSettings } from "../../src/config/settings.js";
import { UsageError } from "../../src/errors.js";
import { tempDir } from "../helpers/cli.js";
import { thrownMessage } from "../helpers/errors.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

function project(toml?: string): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  if (toml !== undefined) writeFileSync(join(dir, "evalwire.toml"), toml);
  return dir;
}

describe("--cache and [cache]", () => {
  it("takes a mode, and alone means readwrite", () => {
    expect(parseCli(["run", "--cache", "read"])).toEqual({ command: "run", flags: { cache: "read" } });
    expect(parseCli(["run", "--cache"])).toEqual({ command: "run", flags: { cache: true } });
    expect(resolveSettings({ cache: true }, {}, project()).cache.mode).toBe("readwrite");
  });

  it("refuses a mode it does not know, naming the flag and the modes", () => {
    expect(thrownMessage(() => parseCli(["run", "--cache", "sometimes"]), UsageError)).toBe('--cache takes off, read, write or readwrite (got "sometimes")');
    expect(() => parseCli(["run", "--cache", "sometimes"])).toThrow(UsageError);
  });

  it("is off by default, in .evalwire/cache; the file sets mode, key and dir, and the flag wins", () => {
    const plain = project();
    expect(resolveSettings({}, {}, plain).cache).toEqual({ mode: "off", key: null, dir: join(plain, ".evalwire", "cache") });
    const configured = project('[cache]\nmode = "read"\nkey = "gpt-4o-2024-08-06"\ndir = "cache-here"\n');
    expect(resolveSettings({}, {}, configured).cache).toEqual({ mode: "read", key: "gpt-4o-2024-08-06", dir: join(configured, "cache-here") });
    expect(resolveSettings({ cache: "off" }, {}, configured).cache.mode).toBe("off");
  });

  it("names a bad [cache] key in evalwire.toml", () => {
    const cwd = project('[cache]\nmode = "always"\n');
    expect(thrownMessage(() => resolveSettings({}, {}, cwd), UsageError)).toBe('evalwire.toml: [cache] mode: expected off, read, write or readwrite (got "always")');
    const unknown = project("[cache]\nttl = 3\n");
    expect(thrownMessage(() => resolveSettings({}, {}, unknown), UsageError)).toMatch(/^evalwire\.toml: unknown key \[cache\] ttl; known keys here: mode, key, dir$/);
  });

  it("parses `cache clear`, and refuses another action", () => {
    expect(parseCli(["cache", "clear"])).toEqual({ command: "cache-clear", flags: {} });
    expect(thrownMessage(() => parseCli(["cache", "purge"]), UsageError)).toBe('cache takes one action, clear (got "purge")');
  });
});

describe("sync", () => {
  it("takes a run and the Phoenix URL", () => {
    expect(parseCli(["sync", "eval_ds_2026-01-01T00:00:00", "--phoenix-url", "http://x:6006"])).toEqual({
      command: "sync",
      run: "eval_ds_2026-01-01T00:00:00",
      flags: { phoenixUrl: "http://x:6006" },
    });
    expect(thrownMessage(() => parseCli(["sync"]), UsageError)).toMatch(/missing required argument 'run'/);
  });
});

describe("selection: --limit, --sample/--seed, --example", () => {
  it("parses each, and selectionOf says which examples", () => {
    expect(parseCli(["run", "--limit", "5"])).toEqual({ command: "run", flags: { limit: 5 } });
    expect(parseCli(["run", "--sample", "10", "--seed", "nightly"])).toEqual({ command: "run", flags: { sample: 10, seed: "nightly" } });
    expect(parseCli(["run", "--example", "a", "--example", "b"])).toEqual({ command: "run", flags: { example: ["a", "b"] } });
    expect(selectionOf({ limit: 5 })).toEqual({ kind: "limit", count: 5 });
    expect(selectionOf({ sample: 10 })).toEqual({ kind: "sample", count: 10, seed: "0" });
    expect(selectionOf({ sample: 10, seed: "7" })).toEqual({ kind: "sample", count: 10, seed: "7" });
    expect(selectionOf({ example: ["a", "b", "a"] })).toEqual({ kind: "ids", ids: ["a", "b"] });
    expect(selectionOf({})).toBeNull();
  });

  it.each([
    [["run", "--limit", "0"], '--limit takes a whole number from 1 up (got "0")'],
    [["run", "--limit", "2.5"], '--limit takes a whole number from 1 up (got "2.5")'],
    [["run", "--sample", "-1"], '--sample takes a whole number from 1 up (got "-1")'],
    [["run", "--sample", "3", "--seed", " "], '--seed takes a number or a word (got " ")'],
    [["run", "--example", ""], '--example takes an example id (got "")'],
    [["run", "--seed", "3"], "--seed goes with --sample N: it says which N examples are drawn"],
    [["run", "--limit", "3", "--sample", "2"], "--limit and --sample choose examples in different ways: use one"],
    [["run", "--sample", "3", "--example", "x"], "--sample and --example choose examples in different ways: use one"],
    [["run", "--retries", "-1"], '--retries takes a whole number from 0 up (got "-1")'],
  ])("refuses %j in one line", (argv, message) => {
    expect(thrownMessage(() => parseCli(argv), UsageError)).toBe(message);
  });
});

describe("--retries and [experiments] retries", () => {
  it("defaults to 0; the file sets it, the flag wins", () => {
    expect(parseCli(["run", "--retries", "3"])).toEqual({ command: "run", flags: { retries: 3 } });
    expect(resolveSettings({}, {}, project()).retries).toBe(0);
    const configured = project("[experiments]\nretries = 2\n");
    expect(resolveSettings({}, {}, configured).retries).toBe(2);
    expect(resolveSettings({ retries: 0 }, {}, configured).retries).toBe(0);
    expect(thrownMessage(() => resolveSettings({}, {}, project("[experiments]\nretries = -2\n")), UsageError)).toBe(
      "evalwire.toml: [experiments] retries: expected a whole number from 0 up (got -2)",
    );
  });
});
