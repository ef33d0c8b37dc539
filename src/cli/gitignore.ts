import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** The run store's folder, as `.gitignore` names it. */
export const runStoreEntry = ".evalwire/";

/**
 * Makes a `.gitignore` ignore the run store: created when missing, appended to when it does not
 * name the folder yet (in any of the usual spellings), left alone when it does.
 */
export function ignoreRunStore(file: string): "created" | "added" | "present" {
  if (!existsSync(file)) {
    writeFileSync(file, `${runStoreEntry}\n`);
    return "created";
  }
  const text = readFileSync(file, "utf8");
  const spellings = [".evalwire", ".evalwire/", "/.evalwire", "/.evalwire/"];
  if (text.split(/\r?\n/).some((line) => spellings.includes(line.trim()))) return "present";
  writeFileSync(file, `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${runStoreEntry}\n`);
  return "added";
}
