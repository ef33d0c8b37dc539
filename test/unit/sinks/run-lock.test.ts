import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { claimRun, liveRecorder, lockRun, unlockRun } from "../../../src/sinks/run-lock.js";
import { tempDir } from "../../helpers/cli.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()!();
});

function runDir(): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  return dir;
}

const lockOf = (dir: string, lock: unknown) => writeFileSync(join(dir, "run.lock"), JSON.stringify(lock));

describe("run.lock", () => {
  it("names another live process on this machine; not this one, a gone one, another machine's, or a damaged lock", async () => {
    const dir = runDir();
    expect(liveRecorder(dir)).toBeNull();
    lockRun(dir);
    expect(JSON.parse(readFileSync(join(dir, "run.lock"), "utf8"))).toEqual({ pid: process.pid, host: hostname() });
    expect(liveRecorder(dir)).toBeNull();

    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    cleanup.push(() => other.kill("SIGKILL"));
    lockOf(dir, { pid: other.pid, host: hostname() });
    expect(liveRecorder(dir)).toBe(other.pid);
    lockOf(dir, { pid: other.pid, host: `not-${hostname()}` });
    expect(liveRecorder(dir)).toBeNull();

    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => gone.on("exit", resolve));
    lockOf(dir, { pid: gone.pid, host: hostname() });
    expect(liveRecorder(dir)).toBeNull();

    writeFileSync(join(dir, "run.lock"), "{not json");
    expect(liveRecorder(dir)).toBeNull();
  });

  it("claims a folder no live process holds (none, a gone one's, a damaged lock, its own); not one another live process holds", async () => {
    const dir = runDir();
    const own = { pid: process.pid, host: hostname() };
    const lock = () => JSON.parse(readFileSync(join(dir, "run.lock"), "utf8"));
    expect(claimRun(dir)).toBeNull();
    expect(lock()).toEqual(own);
    // Claimed already by this process (two library runs resuming one folder): refused until released.
    expect(claimRun(dir)).toBe(process.pid);
    unlockRun(dir);
    expect(existsSync(join(dir, "run.lock"))).toBe(false);
    lockRun(dir);
    expect(claimRun(dir)).toBeNull();
    expect(lock()).toEqual(own);
    unlockRun(dir);

    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => gone.on("exit", resolve));
    lockOf(dir, { pid: gone.pid, host: hostname() });
    expect(claimRun(dir)).toBeNull();
    expect(lock()).toEqual(own);
    unlockRun(dir);
    writeFileSync(join(dir, "run.lock"), "");
    expect(claimRun(dir)).toBeNull();
    expect(lock()).toEqual(own);
    unlockRun(dir);

    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    cleanup.push(() => other.kill("SIGKILL"));
    lockOf(dir, { pid: other.pid, host: hostname() });
    expect(claimRun(dir)).toBe(other.pid);
    expect(lock()).toEqual({ pid: other.pid, host: hostname() });
  });

  it("unlockRun removes only this process's lock: one another process has taken stays", () => {
    const dir = runDir();
    lockOf(dir, { pid: process.pid + 1, host: hostname() });
    unlockRun(dir);
    expect(existsSync(join(dir, "run.lock"))).toBe(true);
    lockRun(dir);
    unlockRun(dir);
    expect(existsSync(join(dir, "run.lock"))).toBe(false);
  });
});
