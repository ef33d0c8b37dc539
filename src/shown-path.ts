import { relative } from "node:path";

/** A path as the user would type it: relative to the working directory when below it. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}
