import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type CacheMode = "off" | "read" | "write" | "readwrite";
export const cacheModes: readonly CacheMode[] = ["off", "read", "write", "readwrite"];

export const readsCache = (mode: CacheMode): boolean => mode === "read" || mode === "readwrite";
export const writesCache = (mode: CacheMode): boolean => mode === "write" || mode === "readwrite";

/** What a cached task call gives back. */
export interface CachedCall {
  output: unknown;
  /** How long the call took when it was made (kept out of this run's latency figures). */
  durationMs: number;
  storedAt: string;
}

/** Where task outputs live in the cache folder (`[cache] dir`, default `.evalwire/cache`). */
export function taskCacheDir(cacheDir: string): string {
  return join(cacheDir, "tasks");
}

/**
 * Task outputs by call key (see task-key.ts), one JSON file each, at `<dir>/<key[0..2]>/<key>.json`.
 * Writes are atomic (a temporary file renamed into place), so a reader never sees half an entry and
 * two runs writing the same key both leave a whole one. Only successful calls are stored.
 */
export class TaskCache {
  constructor(readonly dir: string) {}

  get(key: string): CachedCall | undefined {
    const file = this.file(key);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as CachedCall & { key?: string };
      // A file that is not a whole entry for this key (edited by hand, say) is a miss, never an output.
      if (entry.key !== key || !("output" in entry) || typeof entry.durationMs !== "number") return undefined;
      return { output: entry.output, durationMs: entry.durationMs, storedAt: entry.storedAt };
    } catch {
      return undefined;
    }
  }

  /** Stores a call that succeeded; an error or a timeout is never stored (returns false). */
  put(key: string, call: { status: string; output: unknown; durationMs: number }): boolean {
    if (call.status !== "ok") return false;
    const file = this.file(key);
    mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true });
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const entry = { key, output: call.output === undefined ? null : call.output, durationMs: call.durationMs, storedAt: new Date().toISOString() };
    try {
      writeFileSync(temporary, JSON.stringify(entry));
      renameSync(temporary, file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    return true;
  }

  /** Removes every entry; says how many there were. */
  clear(): number {
    let count = 0;
    let shards: string[];
    try {
      shards = readdirSync(this.dir);
    } catch {
      return 0;
    }
    for (const shard of shards) {
      try {
        count += readdirSync(join(this.dir, shard)).filter((name) => name.endsWith(".json")).length;
      } catch {}
    }
    rmSync(this.dir, { recursive: true, force: true });
    return count;
  }

  private file(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not a cache key: ${key}`);
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}
