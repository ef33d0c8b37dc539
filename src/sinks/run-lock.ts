import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

// `run.lock` in a run folder names the process recording into it, from the folder's opening to the
// run's end; a process killed with SIGKILL leaves it behind, naming a process that no longer runs.

const lockFile = (dir: string) => join(dir, "run.lock");

/**
 * Marks the folder as this process's (replacing a lock left by a process that is gone). Best
 * effort: on a disk with no room for it the run goes on, only unguarded against a second --resume.
 */
export function lockRun(dir: string): void {
  try {
    writeFileSync(lockFile(dir), `${JSON.stringify({ pid: process.pid, host: hostname() })}\n`);
  } catch {}
}

export function unlockRun(dir: string): void {
  try {
    rmSync(lockFile(dir), { force: true });
  } catch {}
}

/** The pid of another process on this machine still recording into the folder, or null. */
export function liveRecorder(dir: string): number | null {
  let lock: { pid?: unknown; host?: unknown };
  try {
    lock = JSON.parse(readFileSync(lockFile(dir), "utf8"));
  } catch {
    return null;
  }
  const { pid, host } = lock;
  if (typeof pid !== "number" || host !== hostname() || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM" ? pid : null;
  }
}
