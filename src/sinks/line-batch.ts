import { ftruncateSync, writeSync } from "node:fs";

/** A batch written sooner than the next turn of the loop once it holds this many characters. */
const maxBatchChars = 1024 * 1024;

/**
 * Lines appended to an open file, one write per turn of the event loop for every line added in
 * that turn (a fast run finishes dozens of results in a turn: a write each was a third of the
 * engine's time). A batch is written whole or not at all: the file never ends in half a line.
 */
export class LineBatch {
  /** Lines whose write failed (a full disk). */
  unrecorded = 0;
  private text = "";
  private lines = 0;
  private written: Deferred | null = null;

  /** `size`: the bytes the file holds; it grows as batches are written. */
  constructor(
    private readonly fd: number,
    public size: number,
  ) {}

  /** Adds a line (with its newline); resolves once it is in the file, rejects with the write's error. */
  add(line: string): Promise<void> {
    this.text += line;
    this.lines++;
    if (!this.written) {
      this.written = deferred();
      setImmediate(() => this.write());
    }
    const { promise } = this.written;
    if (this.text.length >= maxBatchChars) this.write();
    return promise;
  }

  /** Writes the lines added so far now. Never throws: a failed batch rejects its promise. */
  write(): void {
    const batch = this.written;
    if (!batch) return;
    const [text, lines] = [this.text, this.lines];
    this.written = null;
    this.text = "";
    this.lines = 0;
    try {
      this.size += writeWhole(this.fd, Buffer.from(text), this.size);
      batch.resolve();
    } catch (error) {
      this.unrecorded += lines;
      batch.reject(error);
    }
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  // Whoever added a line hears of a failure; none is left unhandled.
  promise.catch(() => {});
  return { promise, resolve, reject };
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
