import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { fileInTheWay } from "../file-in-the-way.js";
import { shownPath } from "../shown-path.js";

/** The reporters `--reporter` and `[report] reporters` may name, and whether each writes a file. */
export const reporterNames = { json: "file", junit: "file", markdown: "file", html: "file", github: "none" } as const;
export type ReporterName = keyof typeof reporterNames;

export interface ReporterSpec {
  name: ReporterName;
  /** Absolute; null for github. */
  path: string | null;
}

/** `json=report.json`, `github`: a UsageError naming where it came from otherwise. Paths resolve against `base`. */
export function parseReporterSpec(text: string, where: string, base: string): ReporterSpec {
  const at = text.indexOf("=");
  const name = (at < 0 ? text : text.slice(0, at)).trim();
  const path = at < 0 ? "" : text.slice(at + 1).trim();
  if (!(name in reporterNames)) {
    throw new UsageError(`${where} ${JSON.stringify(text)}: unknown reporter ${JSON.stringify(name)}; known: json=PATH, junit=PATH, markdown=PATH, html=PATH, github`);
  }
  const kind = reporterNames[name as ReporterName];
  if (kind === "file" && path === "") throw new UsageError(`${where} ${JSON.stringify(text)}: the ${name} reporter writes a file; name it as ${name}=PATH`);
  if (kind === "none" && path !== "") throw new UsageError(`${where} ${JSON.stringify(text)}: the ${name} reporter takes no path (it writes to $GITHUB_STEP_SUMMARY)`);
  const file = path === "" ? null : resolve(base, path);
  if (file) {
    // Known before any work: a report that cannot be written would fail a run only at its end.
    const blocker = fileInTheWay(dirname(file));
    if (blocker) throw new UsageError(`${where} ${JSON.stringify(text)}: ${shownPath(blocker)} is a file, so no folder can hold ${shownPath(file)}; name another path`);
    if (isFolder(file)) throw new UsageError(`${where} ${JSON.stringify(text)}: ${shownPath(file)} is a folder; name a file`);
  }
  return { name: name as ReporterName, path: file };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    // Not readable from here: the write at the end of the run says why.
    return false;
  }
}
