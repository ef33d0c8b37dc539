// The flags and config keys of DESIGN.md section 18 (cache, sync, selection, retries), parsed in-process.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseCli } from "../../src/cli/parse.js";
import { resolveSettings } from "../../src/config/settings.js";
import { UsageError } from "../../src/errors.js";
import { tempDir } from "../helpers/cli.js";
import { thrownMessage } from "../helpers/errors.js";

let cleanup: (() => void)[] = [];
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
    const unknown = project('[cache]\nttl = 3\n');
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
