import { DatasetError } from "../errors.js";
import type { RawRecord } from "./dataset.js";

/**
 * One JSON record per line; blank lines are skipped. A line that is not JSON is a DatasetError, or,
 * when `onInvalid` is given, is reported to it and skipped (so a validator can list every bad line).
 */
export function* parseJsonl(text: string, file: string, onInvalid?: (line: number, message: string) => void): Generator<RawRecord> {
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const message = `not valid JSON (${(error as Error).message})`;
      if (!onInvalid) throw new DatasetError(`${file}:${index + 1}: ${message}`);
      onInvalid(index + 1, message);
      continue;
    }
    yield { line: index + 1, value };
  }
}
