import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";

// `run.lock` in a run folder names the process recording into it, from the folder's opening (or
// the --resume check) to the run's end; a process killed with SIGKILL leaves it behind, naming a
// process that no longer runs.

const lockFile = (dir: string) => join(dir, "run.lock");
/** Folders claimed by this process: a lock naming this process cannot tell two of its runs apart (the library API). */
const claimedHere = new Set<string>();
const ownLock = () => `${JSON.stringify({ pid: process.pid, host: hostname() })}\n`;

/**
 * Marks the folder as this process's (replacing a lock left by a process that is gone). Best
 * effort: on a disk with no room for it the run goes on, only unguarded against a second --resume.
 */
export function lockRun(dir: string): void {
  // Never written again over this process's own: a claim checking meanwhile would find it empty.
  if (isOwn(dir)) return;
  try {
    writeFileSync(lockFile(dir), ownLock());
  } catch {}
}

/**
 * Takes the folder for this process, or returns the pid of another live process on this machine
 * (or this one's, for a folder it claimed already) that holds it. The lock is created only where
 * none is, so of two resumes checking at once one gets it; a lock whose process is gone, or that
 * cannot be read, is replaced. Released by unlockRun. Best effort, as lockRun.
 */
export function claimRun(dir: string): number | null {
  if (claimedHere.has(resolve(dir))) return process.pid;
  let waits = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      writeFileSync(lockFile(dir), ownLock(), { flag: "wx" });
      claimedHere.add(resolve(dir));
      return null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        claimedHere.add(resolve(dir));
        return null;
      }
    }
    const holder = liveRecorder(dir);
    if (holder !== null) return holder;
    if (isOwn(dir)) {
      claimedHere.add(resolve(dir));
      return null;
    }
    const seen = lockText(dir);
    // Empty or cut short and fresh: another process may be writing it this moment; read it again soon.
    if (readLock(dir) === null && isFresh(dir) && waits++ < 10) {
      pause(20);
      continue;
    }
    // Gone, or damaged for long: replaced, unless another process replaced it meanwhile.
    if (lockText(dir) === seen) unlock(dir);
  }
  return null;
}

/** Removes the lock if it is this process's (a lock another process has taken since stays). */
export function unlockRun(dir: string): void {
  claimedHere.delete(resolve(dir));
  if (isOwn(dir)) unlock(dir);
}

/** The pid of another process on this machine still recording into the folder, or null. */
export function liveRecorder(dir: string): number | null {
  const lock = readLock(dir);
  if (lock === null) return null;
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

function isOwn(dir: string): boolean {
  const lock = readLock(dir);
  return lock !== null && lock.pid === process.pid && lock.host === hostname();
}

function lockText(dir: string): string | null {
  try {
    return readFileSync(lockFile(dir), "utf8");
  } catch {
    return null;
  }
}

function isFresh(dir: string): boolean {
  try {
    return Date.now() - statSync(lockFile(dir)).mtimeMs < 2000;
  } catch {
    return false;
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readLock(dir: string): { pid?: unknown; host?: unknown } | null {
  try {
    const lock: unknown = JSON.parse(readFileSync(lockFile(dir), "utf8"));
    return typeof lock === "object" && lock !== null ? lock : null;
  } catch {
    return null;
  }
}

function unlock(dir: string): void {
  try {
    rmSync(lockFile(dir), { force: true });
  } catch {}
}
