import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readsCache, TaskCache, writesCache } from "../../src/cache/task-cache.js";
import { tempDir } from "../helpers/cli.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

function cache(): TaskCache {
  const { dir, remove } = tempDir("evalwire-cache-");
  cleanup.push(remove);
  return new TaskCache(join(dir, ".evalwire", "cache", "tasks"));
}

const key = (n: number) => n.toString(16).padStart(64, "0");

describe("TaskCache", () => {
  it("gives back a stored output with its original duration, and misses an unknown key", () => {
    const store = cache();
    expect(store.get(key(1))).toBeUndefined();
    expect(store.put(key(1), { status: "ok", output: { answer: 42 }, durationMs: 1234 })).toBe(true);
    expect(store.get(key(1))).toMatchObject({ output: { answer: 42 }, durationMs: 1234 });
    expect(store.get(key(2))).toBeUndefined();
    // undefined is recorded as null, as in results.jsonl.
    store.put(key(3), { status: "ok", output: undefined, durationMs: 1 });
    expect(store.get(key(3))).toMatchObject({ output: null });
  });

  it("never stores an error or a timeout", () => {
    const store = cache();
    expect(store.put(key(1), { status: "error", output: null, durationMs: 5 })).toBe(false);
    expect(store.put(key(2), { status: "timeout", output: null, durationMs: 5 })).toBe(false);
    expect(store.get(key(1))).toBeUndefined();
    expect(store.get(key(2))).toBeUndefined();
    expect(existsSync(store.dir)).toBe(false);
  });

  it("leaves no temporary file behind, and reads a damaged or foreign entry as a miss", () => {
    const store = cache();
    store.put(key(1), { status: "ok", output: "a", durationMs: 1 });
    store.put(key(1), { status: "ok", output: "b", durationMs: 2 });
    const shard = join(store.dir, key(1).slice(0, 2));
    expect(readdirSync(shard)).toEqual([`${key(1)}.json`]);
    expect(store.get(key(1))).toMatchObject({ output: "b", durationMs: 2 });

    writeFileSync(join(shard, `${key(1)}.json`), `{"key":"${key(1)}","output":`);
    expect(store.get(key(1))).toBeUndefined();
    // An entry copied under another key's name is not that key's output.
    writeFileSync(join(shard, `${key(1)}.json`), JSON.stringify({ key: key(9), output: "x", durationMs: 1 }));
    expect(store.get(key(1))).toBeUndefined();
  });

  it("clear() removes every entry and says how many", () => {
    const store = cache();
    expect(store.clear()).toBe(0);
    for (const n of [1, 2, 300]) store.put(key(n), { status: "ok", output: n, durationMs: 1 });
    expect(store.clear()).toBe(3);
    expect(existsSync(store.dir)).toBe(false);
    expect(store.get(key(1))).toBeUndefined();
  });

  it("refuses a key that is not a sha256 in hex (no path can be made of it)", () => {
    expect(() => cache().get("../../etc/passwd")).toThrow(/not a cache key/);
  });
});

describe("cache modes", () => {
  it("read and write as their names say", () => {
    expect([readsCache("off"), readsCache("read"), readsCache("write"), readsCache("readwrite")]).toEqual([false, true, false, true]);
    expect([writesCache("off"), writesCache("read"), writesCache("write"), writesCache("readwrite")]).toEqual([false, false, true, true]);
  });
});
