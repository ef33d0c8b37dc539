import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** A report file: its folder made as needed, the text written in one go. */
export function writeReportFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
