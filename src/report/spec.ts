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
  /** How it was given (`--reporter "json=out/r.json"`), for messages. */
  given?: string;
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
  return { name: name as ReporterName, path: path === "" ? null : resolve(base, path), given: `${where} ${JSON.stringify(text)}` };
}

/**
 * Before a run (or merge) starts: a report path that is a folder, or lies below a file, is a
 * UsageError naming it. Unchecked, it would fail the run only at its end, with mkdir's EEXIST.
 */
export function checkReportPaths(reporters: ReporterSpec[]): void {
  for (const { name, path, given = name } of reporters) if (path !== null) checkOutputPath(path, given);
}

/** A file to write (a report, `--output`) that is a folder, or lies below a file: a UsageError naming it and `given`. */
export function checkOutputPath(path: string, given: string): void {
  const blocker = fileInTheWay(dirname(path));
  if (blocker) throw new UsageError(`${given}: ${shownPath(blocker)} is a file, so no folder can hold ${shownPath(path)}; name another path`);
  if (isFolder(path)) throw new UsageError(`${given}: ${shownPath(path)} is a folder; name a file`);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    // Not readable from here: the write at the end of the run says why.
    return false;
  }
}
