import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * `mkdir -p`, with the real reason when it fails: Node's recursive mkdir says ENOENT ("no such file
 * or directory") on a read-only file system, which sends the user looking for a missing folder.
 * Making the first missing folder alone gives the true error (EROFS, EACCES).
 */
export function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    let first = dir;
    while (!existsSync(dirname(first)) && dirname(first) !== first) first = dirname(first);
    mkdirSync(first);
    // It could be made after all (another process made its parent meanwhile): carry on.
    mkdirSync(dir, { recursive: true });
  }
}
