import { writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { makeFolder } from "../make-folder.js";

/** A report file: its folder made as needed, the text written in one go. */
export function writeReportFile(path: string, text: string): void {
  makeFolder(dirname(path));
  writeFileSync(path, text);
}
