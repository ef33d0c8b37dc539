import { existsSync, readFileSync } from "node:fs";

/**
 * Whether a process is still running: it exists and is not a zombie (an exited process whose
 * parent has not reaped it yet; in a container, PID 1 may never reap it).
 */
export function isRunning(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (existsSync("/proc/self/stat")) {
    try {
      // "pid (name) S ...": the state comes after the name's closing parenthesis.
      const text = readFileSync(stat, "utf8");
      return text.slice(text.lastIndexOf(")") + 2)[0] !== "Z";
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids a test script wrote, one file per process, once each file is there. */
export function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8").trim();
  return text ? Number(text) : undefined;
}
