import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { firstLine, LoadError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import { registerNativeHooks } from "./native-hooks.js";

/**
 * How user code is loaded: tsx (ESM or CommonJS, with or without a tsconfig; nothing is written
 * beside it), or Node's own type stripping where it gives the same result faster (see native-hooks).
 */
export type Loader = "native" | "tsx";

/**
 * The one door through which user code enters: imports a .ts/.js file with the thread's loader
 * (tsx unless `useLoader` chose another) and returns the export named after the file stem, or the
 * default export.
 */
export async function loadExport(file: string, exportName: string, what: string): Promise<unknown> {
  const shown = shownPath(file);
  let module: Record<string, unknown>;
  try {
    await useLoader("tsx");
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new LoadError(`${shown}: cannot load: ${describeLoadError(error, file, shown)}`, { cause: error });
  }
  const value = pick(module, exportName);
  if (value === undefined) {
    const found = [...new Set([...Object.keys(module), ...Object.keys(commonJs(module) ?? {})])].filter((key) => key !== "default" && key !== "module.exports"); // Node 23+ names a CommonJS module's whole exports "module.exports"
    throw new LoadError(
      `${shown}: exports no ${what} named "${exportName}" and no default export` +
        (found.length > 0 ? ` (found: ${found.join(", ")})` : "") +
        (what === "evaluator" ? `; a helper, not an evaluator? name it _${basename(file)} (files starting with _ are skipped)` : ""),
    );
  }
  return value;
}

let registered: Promise<void> | undefined;

let current: Loader = "tsx";

/** Chooses this thread's loader, once (module hooks cannot be taken back); resolves with the one in use. */
export async function useLoader(loader: Loader): Promise<Loader> {
  if (!registered) {
    current = loader;
    registered = register(loader);
  }
  await registered;
  return current;
}

/**
 * tsx's hooks for both module systems: a file in a CommonJS package is loaded as CommonJS (with its
 * own __dirname and require), any other as ESM. (tsImport would do it per file, but gives CommonJS
 * files a wrong __dirname.)
 */
async function register(loader: Loader): Promise<void> {
  if (loader === "native") return registerNativeHooks();
  const [cjs, esm] = await Promise.all([import("tsx/cjs/api"), import("tsx/esm/api")]);
  cjs.register();
  esm.register();
}

/** A named export of a file already loaded by loadExport, or undefined: no default stands in for it. */
export async function namedExport(file: string, exportName: string): Promise<unknown> {
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  return module[exportName] ?? commonJs(module)?.[exportName];
}

function pick(module: Record<string, unknown>, exportName: string): unknown {
  if (module[exportName] !== undefined) return module[exportName];
  const exports = commonJs(module);
  return exports ? (exports[exportName] ?? exports.default) : module.default;
}

/**
 * A CommonJS file arrives with `default` set to its whole `module.exports`: its named exports are
 * in there, and an `export default` compiled to CommonJS is its `default`. An evaluator object
 * (with `evaluate`) is a real default export, not that.
 */
function commonJs(module: Record<string, unknown>): Record<string, unknown> | null {
  const fallback = module.default as Record<string, unknown> | undefined;
  if (!fallback || typeof fallback !== "object" || typeof fallback.evaluate === "function") return null;
  return fallback;
}

/** esbuild reports "Transform failed with 1 error:" first; the useful line, with its position, comes next. */
function describeLoadError(error: unknown, file: string, shown: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const transform = /^Transform failed[^\n]*\n(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(message);
  if (transform) return `line ${transform[2]}:${transform[3]}: ${transform[4]}`;
  return firstLine(error).replaceAll(file, shown);
}
