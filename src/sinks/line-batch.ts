import { ftruncateSync, writeSync } from "node:fs";

/** A batch written sooner than the next turn of the loop once it holds this many characters. */
const maxBatchChars = 1024 * 1024;

/**
 * Lines appended to an open file, one write per turn of the event loop for every line added in
 * that turn (a fast run finishes dozens of results in a turn, and a write each cost about 2.4 µs
 * a result, half of what a plain loop spends on a whole call). The file never ends in half a line.
 *
 * `add` returns at once: a caller waiting for its line to be written would keep its result, and
 * everything the result's call made, alive until the turn ends (a fast run then spent a seventh
 * of its main thread collecting garbage). What could not be written is counted instead: when the
 * disk fills, the lines are written one by one, so that as many are kept as fit; those that did
 * not fit, and all after them in their batch, are `unrecorded`, with the first `error`.
 */
export class LineBatch {
  /** Lines whose write failed (a full disk). */
  unrecorded = 0;
  /** Why the first of them failed. */
  error: unknown = null;
  private lines: string[] = [];
  private chars = 0;
  private scheduled = false;
  private closed = false;

  /** `size`: the bytes the file holds; it grows as batches are written. */
  constructor(
    private readonly fd: number,
    public size: number,
  ) {}

  /** Adds a line (with its newline), written at the end of this turn of the loop; throws once closed. */
  add(line: string): void {
    // The file descriptor may be another file's by now.
    if (this.closed) throw new Error("the results file was closed before this result came");
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= maxBatchChars) this.write();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.write();
      });
    }
  }

  /** Writes what is pending; a line added after this is refused (the caller then closes the file). */
  close(): void {
    this.write();
    this.closed = true;
  }

  /** Writes the lines added so far now. Never throws: what fails is counted in `unrecorded`. */
  write(): void {
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    this.chars = 0;
    try {
      this.size += writeWhole(this.fd, Buffer.from(lines.join("")), this.size);
    } catch {
      this.unrecorded += lines.length - this.writeEach(lines);
    }
  }

  /** Writes the lines one at a time until one fails (its error kept); returns how many were written. */
  private writeEach(lines: string[]): number {
    for (let index = 0; index < lines.length; index++) {
      try {
        this.size += writeWhole(this.fd, Buffer.from(lines[index]!), this.size);
      } catch (error) {
        this.error ??= error;
        return index;
      }
    }
    return lines.length;
  }
}

/**
 * Appends all of `bytes` (a write may be short when the disk fills) and returns how many; on
 * failure the file is cut back to `sizeBefore`, so it never ends in half a line.
 */
function writeWhole(fd: number, bytes: Buffer, sizeBefore: number): number {
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(fd, bytes, written);
  } catch (error) {
    if (written > 0) ftruncateSync(fd, sizeBefore);
    throw error;
  }
  return written;
}
