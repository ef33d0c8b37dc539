import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LineBatch } from "../../../src/sinks/line-batch.js";
import { tempDir } from "../../helpers/cli.js";
import { mountSmallDisk, rootSkipReason } from "../../helpers/privileges.js";

const cleanup: (() => void)[] = [];
// Undone last first: the file is closed, then the disk unmounted, then the folder removed.
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()!();
});

function openFile(dir: string) {
  const file = join(dir, "results.jsonl");
  const fd = openSync(file, "a");
  cleanup.push(() => closeSync(fd));
  return { file, fd };
}

describe("LineBatch", () => {
  it("writes the lines of one turn of the loop together at its end, and counts their bytes", async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const { file, fd } = openFile(dir);
    const lines = new LineBatch(fd, 0);
    lines.add("one\n");
    lines.add("two\n");
    expect(readFileSync(file, "utf8")).toBe("");
    await new Promise((resolve) => setImmediate(resolve));
    expect(readFileSync(file, "utf8")).toBe("one\ntwo\n");
    lines.add("three\n");
    lines.write();
    expect(readFileSync(file, "utf8")).toBe("one\ntwo\nthree\n");
    expect(lines.size).toBe(14);
    expect(lines.unrecorded).toBe(0);
  });

  it("writes what is pending on close, and refuses a line after it (its file descriptor may be another file's)", () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const { file, fd } = openFile(dir);
    const lines = new LineBatch(fd, 0);
    lines.add("one\n");
    lines.close();
    expect(readFileSync(file, "utf8")).toBe("one\n");
    expect(() => lines.add("two\n")).toThrow(/closed/);
    expect(readFileSync(file, "utf8")).toBe("one\n");
  });

  it("writes a batch at once when it grows past a megabyte", () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const { file, fd } = openFile(dir);
    const lines = new LineBatch(fd, 0);
    lines.add(`${"x".repeat(1024 * 1024)}\n`);
    expect(readFileSync(file).length).toBe(1024 * 1024 + 1);
  });

  const skip = rootSkipReason("LineBatch on a full disk");
  it.skipIf(skip !== null)("on a full disk, keeps the lines that fit, counts the rest with the error, and leaves no half line", () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const disk = join(dir, "disk");
    mkdirSync(disk);
    cleanup.push(mountSmallDisk(disk, "16k"));
    const { file, fd } = openFile(disk);
    const lines = new LineBatch(fd, 0);
    const line = (char: string) => `${char.repeat(6000)}\n`;
    lines.add(line("a"));
    lines.write();
    // One batch of three: it does not fit whole; b alone does.
    lines.add(line("b"));
    lines.add(line("c"));
    lines.add("d\n");
    lines.write();
    expect(lines.unrecorded).toBe(2);
    expect(String(lines.error)).toMatch(/ENOSPC/);
    expect(readFileSync(file, "utf8")).toBe(line("a") + line("b"));
    expect(lines.size).toBe(12002);
  });
});
