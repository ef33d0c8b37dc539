import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { DatasetError } from "../errors.js";
import { readLines } from "../read-lines.js";
import type { Example } from "../types.js";
import { contentId, ExampleIds, type Examples, isWellFormed, type RawRecord } from "./dataset.js";
import { datasetChanged, LineExample } from "./line-example.js";
import type { Checked, RememberedChecks } from "./remembered-checks.js";

/**
 * A JSONL dataset read as a stream: one pass checks every record, refuses a duplicate id and notes
 * what a run needs (a check remembered for the same bytes is not made again); each run of the
 * examples reads the file again. Memory holds the ids while checking, never the examples, so a
 * million-example file costs tens of MB, not gigabytes.
 */
export function openJsonlFile(file: string, shown: string, rememberedChecks?: RememberedChecks | null): { version: string; examples: Examples } {
  const checks = rememberedChecks && statSync(file).size >= rememberedChecks.fromBytes ? rememberedChecks : null;
  const version = hashOfFile(file);
  const remembered = checks?.recall(version) ?? null;
  const checked = remembered ?? check(file, shown);
  if (!remembered) checks?.keep(version, checked);
  const { length, renamed, outputKeys } = checked;
  const read = (skip?: (id: string) => boolean, forRun = false) => readExamples({ file, shown, version, length, renamed }, skip, forRun);
  return {
    version,
    examples: {
      length,
      ...(outputKeys ? { outputKeys } : {}),
      [Symbol.iterator]: () => read(),
      forRun: (skip) => ({ [Symbol.iterator]: () => read(skip, true) }),
    },
  };
}

function check(file: string, shown: string): Checked {
  const ids = new ExampleIds(shown);
  // Past a few thousand distinct keys (outputs keyed by id, say), they are not worth keeping.
  let outputKeys: Set<string> | undefined = new Set<string>();
  let length = 0;
  for (const record of jsonlRecords(file, shown)) {
    const { output } = ids.take(record);
    if (outputKeys) for (const key in output) outputKeys.add(key);
    if (outputKeys && outputKeys.size > 5000) outputKeys = undefined;
    length++;
  }
  // Only the renamed ids outlive the check: the table of every id is let go.
  return { length, renamed: ids.renamed, outputKeys };
}

function hashOfFile(file: string): string {
  const hash = createHash("sha256");
  const fd = openSync(file, "r");
  try {
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) hash.update(chunk.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return `sha256:${hash.digest("hex").slice(0, 16)}`;
}

/**
 * The checked file read again, example by example. A line whose id `skip` names (an example a
 * resumed run has done) is not parsed when its id can be read off its start; `forRun`, neither is
 * any other such line (a LineExample, parsed where a field is read). Read to the end, the file must
 * be the one checked: the same records, the same hash.
 */
function* readExamples(
  checked: { file: string; shown: string; version: string; length: number; renamed: Map<number, string> },
  skip?: (id: string) => boolean,
  forRun = false,
): Generator<Example> {
  const { file, shown, renamed } = checked;
  const again = createHash("sha256");
  let count = 0;
  // Most lines a resumed run has done are passed over as bytes, their id read off the line's start.
  const passOver = skip
    ? (bytes: Buffer, start: number, end: number) => {
        const id = stringIdAtStart(bytes, start, end);
        if (id === null || !skip(id)) return false;
        count++;
        return true;
      }
    : undefined;
  for (const { number, text } of readLines(file, (bytes) => again.update(bytes), passOver)) {
    const line = (number === 1 ? text.replace(/^\uFEFF/, "") : text).trim();
    if (line === "") continue;
    // A line added since the check: found before it is run (no call for an example never checked).
    if (++count > checked.length) throw datasetChanged(shown);
    const peeked = skip || forRun ? leadingId(line) : null;
    if (peeked !== null && skip?.(peeked)) continue;
    // Should the line have changed since the check, the hash says so at the end.
    if (peeked !== null && forRun) {
      yield new LineExample(peeked, line, shown);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw datasetChanged(shown);
    }
    if (!isWellFormed(value)) throw datasetChanged(shown);
    const { id, input, output = {}, metadata = {} } = value;
    const exampleId = renamed.get(number) ?? (id === undefined ? contentId(input, output) : String(id));
    if (skip?.(exampleId)) continue;
    yield { id: exampleId, input, output, metadata };
  }
  if (count !== checked.length || `sha256:${again.digest("hex").slice(0, 16)}` !== checked.version) throw datasetChanged(shown);
}

const stringIdStart = Buffer.from('{"id":"');
const idKey = Buffer.from('"id"');

/** leadingId for a line's bytes, when its id is a plain string: no line is decoded to skip it. */
function stringIdAtStart(bytes: Buffer, start: number, end: number): string | null {
  const from = start + stringIdStart.length;
  if (end <= from) return null;
  for (let i = 0; i < stringIdStart.length; i++) if (bytes[start + i] !== stringIdStart[i]) return null;
  let close = from;
  for (; close < end && bytes[close] !== 0x22; close++) if (bytes[close] === 0x5c) return null;
  if (close === end || bytes.subarray(close, end).includes(idKey)) return null;
  return bytes.toString("utf8", from, close);
}

/**
 * The id of a line that starts `{"id":"…"` (a plain string) or `{"id":123,`, as evalwire and most
 * tools write them, when no other "id" key follows (JSON.parse would take the last); else null.
 */
export function leadingId(line: string): string | null {
  if (line.startsWith('{"id":"')) {
    const end = line.indexOf('"', 7);
    if (end === -1) return null;
    const id = line.slice(7, end);
    return id.includes("\\") || line.includes('"id"', end) ? null : id;
  }
  const number = /^\{"id":(0|[1-9][0-9]{0,14})[,}]/.exec(line);
  return number && !line.includes('"id"', number[0].length) ? number[1]! : null;
}

function* jsonlRecords(file: string, shown: string): Generator<RawRecord> {
  for (const { number, text } of readLines(file)) {
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
