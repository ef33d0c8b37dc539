import { DatasetError } from "../errors.js";
import type { RawRecord } from "./dataset.js";

export function* parseJsonl(text: string, file: string): Generator<RawRecord> {
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === "") continue;
    try {
      yield { line: index + 1, value: JSON.parse(line) };
    } catch (error) {
      throw new DatasetError(`${file}:${index + 1}: not valid JSON (${(error as Error).message})`);
    }
  }
}
