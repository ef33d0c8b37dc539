import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type JudgeAnswer, parseAnswer } from "./answer.js";

/**
 * Judge answers stored by content: the key hashes the model and the exact messages sent (which
 * hold the prompt and the output judged), so a re-run asks nothing it has asked before. Only
 * readable answers are stored: errors are never cached.
 */
export class JudgeCache {
  constructor(readonly dir: string) {}

  static key(model: string, messages: unknown): string {
    return createHash("sha256").update(JSON.stringify({ model, messages })).digest("hex");
  }

  /** The stored answer, or null when there is none (or it cannot be read: it is then asked again). */
  async get(key: string): Promise<JudgeAnswer | null> {
    try {
      const entry = JSON.parse(await readFile(this.path(key), "utf8")) as { answer?: unknown };
      return parseAnswer(JSON.stringify(entry.answer));
    } catch {
      return null;
    }
  }

  /** Written to a temporary name then renamed, so a crash or a parallel run never leaves half a file. */
  async set(key: string, model: string, answer: JudgeAnswer): Promise<void> {
    const file = this.path(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const temporary = `${file}.${randomUUID()}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ model, answer, cachedAt: new Date().toISOString() }, null, 2)}\n`);
    await rename(temporary, file);
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}
