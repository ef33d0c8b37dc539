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
  const cjs = commonJsExports(module);
  if (cjs) return cjs[exportName] ?? cjs.default;
  return fallback;
}

/**
 * A file tsx compiled as CommonJS (no "type": "module" above it) arrives with `default` set to its
 * whole `module.exports`: the named exports are there again, and `export default` is its `default`.
 */
function commonJsExports(module: Record<string, unknown>): Record<string, unknown> | null {
  const fallback = module.default;
  if (!fallback || typeof fallback !== "object") return null;
  const exports = fallback as Record<string, unknown>;
  const named = Object.keys(module).filter((key) => key !== "default");
  const mirrors = named.every((key) => key in exports);
  return mirrors && (named.length > 0 || "default" in exports || Object.keys(exports).length === 0) ? exports : null;
}

/** esbuild reports "Transform failed with 1 error:" first; the useful line, with its position, comes next. */
function describeLoadError(error: unknown, file: string, shown: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const transform = /^Transform failed[^\n]*\n(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(message);
  if (transform) return `line ${transform[2]}:${transform[3]}: ${transform[4]}`;
  return firstLine(error).replaceAll(file, shown).replace(/\?namespace=[\w-]+/g, "");
}
