import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { version as evalwireVersion } from "../version.js";
import { writeAtomically } from "../write-atomically.js";

/** What checking a JSONL file found, all a run needs to read it again without checking it. */
export interface Checked {
  length: number;
  /** Content-derived ids already taken, by line. */
  renamed: Map<number, string>;
  outputKeys: Set<string> | undefined;
}

// A file with more renamed ids than this is checked each time rather than remembered.
const renamedKept = 10_000;

/**
 * Checks of JSONL files by content hash, in `<cache dir>/datasets`: a file whose bytes were checked
 * before (by this evalwire version) is not checked again, so a resumed or repeated run of a large
 * dataset starts in the time it takes to hash it. Best effort: a check that cannot be read or
 * written is simply made again.
 */
export class RememberedChecks {
  /** `fromBytes`: smaller files are checked each time (in milliseconds), not remembered. */
  constructor(
    private readonly dir: string,
    readonly fromBytes = 4 * 1024 * 1024,
  ) {}

  recall(hash: string): Checked | null {
    try {
      const kept = JSON.parse(readFileSync(this.file(hash), "utf8")) as { length?: unknown; renamed?: unknown; outputKeys?: unknown };
      if (typeof kept.length !== "number" || !Array.isArray(kept.renamed) || !(kept.outputKeys === null || Array.isArray(kept.outputKeys))) return null;
      return {
        length: kept.length,
        renamed: new Map(kept.renamed as [number, string][]),
        outputKeys: kept.outputKeys === null ? undefined : new Set(kept.outputKeys as string[]),
      };
    } catch {
      return null;
    }
  }

  keep(hash: string, checked: Checked): void {
    if (checked.renamed.size > renamedKept) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      const kept = { length: checked.length, renamed: [...checked.renamed], outputKeys: checked.outputKeys ? [...checked.outputKeys] : null };
      writeAtomically(this.file(hash), `${JSON.stringify(kept)}\n`);
    } catch {
      // Not remembered: the next run checks the file again.
    }
  }

  private file(hash: string): string {
    return join(this.dir, `${hash.replace(/^sha256:/, "")}-evalwire-${evalwireVersion}.json`);
  }
}
