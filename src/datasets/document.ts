import { isMap, isNode, isSeq, LineCounter, parseDocument } from "yaml";
import { DatasetError } from "../errors.js";
import type { RawRecord } from "./dataset.js";

/**
 * JSON or YAML: a list of records, or `{ examples: [...] }`. Parsed with `yaml` (JSON is YAML)
 * so every record keeps its line number for error messages.
 */
export function* parseDocumentRecords(text: string, file: string): Generator<RawRecord> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const at = problem.linePos?.[0];
    const message = problem.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new DatasetError(`${file}${at ? `:${at.line}:${at.col}` : ""}: ${message}`);
  }
  const root: unknown = doc.contents;
  const list = isMap(root) && root.has("examples") ? root.get("examples", true) : root;
  if (!isSeq(list)) throw new DatasetError(`${file}:1: expected a list of records, or { examples: [...] }`);
  for (const item of list.items) {
    const offset = isNode(item) ? (item.range?.[0] ?? 0) : 0;
    yield { line: lineCounter.linePos(offset).line, value: isNode(item) ? item.toJSON() : item };
  }
}
