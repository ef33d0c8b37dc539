import { createHash } from "node:crypto";
import { DatasetError } from "../errors.js";
import { readLines } from "../read-lines.js";
import type { Example } from "../types.js";
import { contentId, ExampleIds, type Examples, isWellFormed, type RawRecord } from "./dataset.js";

/**
 * A JSONL dataset read as a stream: one pass now checks every record, refuses a duplicate id and
 * takes the file's content hash; each run of the examples reads the file again. Memory holds the
 * ids while checking, never the examples, so a million-example file costs tens of MB, not gigabytes.
 */
export function openJsonlFile(file: string, shown: string): { version: string; examples: Examples } {
  const hash = createHash("sha256");
  const ids = new ExampleIds(shown);
  // Past a few thousand distinct keys (outputs keyed by id, say), they are not worth keeping.
  let outputKeys: Set<string> | undefined = new Set<string>();
  let length = 0;
  for (const record of jsonlRecords(file, shown, (bytes) => hash.update(bytes))) {
    const { output } = ids.take(record);
    if (outputKeys) for (const key in output) outputKeys.add(key);
    if (outputKeys && outputKeys.size > 5000) outputKeys = undefined;
    length++;
  }
  const version = `sha256:${hash.digest("hex").slice(0, 16)}`;
  const renamed = ids.renamed;
  return {
    version,
    examples: {
      length,
      ...(outputKeys ? { outputKeys } : {}),
      *[Symbol.iterator](): Generator<Example> {
        // Read to the end, the file must be the one checked: the same records, the same hash.
        const again = createHash("sha256");
        let count = 0;
        for (const { line, value } of jsonlRecords(file, shown, (bytes) => again.update(bytes))) {
          if (!isWellFormed(value)) throw changed(shown);
          const { id, input, output = {}, metadata = {} } = value;
          yield { id: renamed.get(line) ?? (id === undefined ? contentId(input, output) : String(id)), input, output, metadata };
          count++;
        }
        if (count !== length || `sha256:${again.digest("hex").slice(0, 16)}` !== version) throw changed(shown);
      },
    },
  };
}

function* jsonlRecords(file: string, shown: string, onBytes?: (bytes: Buffer) => void): Generator<RawRecord> {
  for (const { number, text } of readLines(file, onBytes)) {
    // Editors on Windows often save a byte-order mark; it is not part of the first record.
    const line = (number === 1 ? text.replace(/^\uFEFF/, "") : text).trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new DatasetError(`${shown}:${number}: not valid JSON (${(error as Error).message})`);
    }
    yield { line: number, value };
  }
}

function changed(shown: string): DatasetError {
  return new DatasetError(`${shown} changed while the run read it; run again`);
}
