import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * The path on the way to folder `dir` (itself or a parent) that exists but is not a folder, so
 * that `mkdir -p dir` would fail; null when there is none.
 */
export function fileInTheWay(dir: string): string | null {
  for (let path = resolve(dir); ; path = dirname(path)) {
    try {
      return statSync(path).isDirectory() ? null : path;
    } catch {
      if (dirname(path) === path) return null;
    }
  }
}
