import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { LoadError, firstLine } from "../errors.js";

/**
 * The one door through which user code enters: imports a .ts/.js file with tsx (ESM or CommonJS,
 * with or without a tsconfig; nothing is written beside it) and returns the export named after the
 * file stem, or the default export.
 */
export async function loadExport(file: string, exportName: string, what: string): Promise<unknown> {
  const shown = shownPath(file);
  let module: Record<string, unknown>;
  try {
    const { tsImport } = await import("tsx/esm/api");
    module = await tsImport(pathToFileURL(file).href, import.meta.url);
  } catch (error) {
    throw new LoadError(`${shown}: cannot load: ${describeLoadError(error, file, shown)}`, { cause: error });
  }
  const value = pick(module, exportName);
  if (value === undefined) {
    const found = Object.keys(module).filter((key) => key !== "default" && key !== "module.exports");
    throw new LoadError(
      `${shown}: exports no ${what} named "${exportName}" and no default export` + (found.length > 0 ? ` (found: ${found.join(", ")})` : ""),
    );
  }
  return value;
}

/** A file as the user would type it: relative to the working directory when below it. */
export function shownPath(file: string): string {
  const path = relative(process.cwd(), file);
  return path && !path.startsWith("..") ? path : file;
}

function pick(module: Record<string, unknown>, exportName: string): unknown {
  if (module[exportName] !== undefined) return module[exportName];
  const fallback = module.default;
  // tsx wraps a CommonJS module's exports in `default`.
  if (fallback && typeof fallback === "object" && exportName in fallback) return (fallback as Record<string, unknown>)[exportName];
  return fallback;
}

/** esbuild reports "Transform failed with 1 error:" first; the useful line, with its position, comes next. */
function describeLoadError(error: unknown, file: string, shown: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const transform = /^Transform failed[^\n]*\n(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(message);
  if (transform) return `line ${transform[2]}:${transform[3]}: ${transform[4]}`;
  return firstLine(error).replaceAll(file, shown).replace(/\?namespace=[\w-]+/g, "");
}
