import { execFileSync } from "node:child_process";

/**
 * Tests that need root (mounting a small disk, dropping to another user) run where root is
 * available: always in CI, which runs as root. Elsewhere they skip with the reason printed.
 */
export function rootSkipReason(what: string): string | null {
  if (process.getuid?.() === 0) return null;
  if (process.env.CI) throw new Error(`${what} needs root, and CI must run it: run the tests as root`);
  const reason = `${what}: skipped, needs root`;
  process.stderr.write(`${reason}\n`);
  return reason;
}

/**
 * Mounts a tmpfs of `size` bytes (such as "40k") on `dir`, a disk that fills up quickly; `inodes`
 * caps the files and folders it can hold; `readOnly` mounts it read-only. Returns the unmount.
 */
export function mountSmallDisk(dir: string, size: string, inodes?: number, readOnly = false): () => void {
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755${inodes ? `,nr_inodes=${inodes}` : ""}${readOnly ? ",ro" : ""}`, "tmpfs", dir]);
  return () => execFileSync("umount", [dir]);
}

/** The user a command runs as to meet permissions that root would ignore. */
export const nobody = { uid: 65534, gid: 65534 };
