import { closeSync, openSync, readSync } from "node:fs";

const chunkBytes = 1024 * 1024;

/**
 * The lines of a UTF-8 text file with their numbers (from 1), read a megabyte at a time: a file of
 * a million lines is never held whole. `onBytes` sees every chunk as read (to hash the file on the
 * way). A last line without a newline is a line too.
 *
 * Lines are cut on the bytes and each decoded alone: a newline byte is never part of a longer
 * UTF-8 character, and no string of a whole chunk is made (such strings live in V8's large-object
 * space, freed only by a full collection, and would swell the heap of a long run).
 */
export function* readLines(
  file: string,
  onBytes?: (bytes: Buffer) => void,
  /** A line it says true of (given as bytes[start..end), starting `offset` bytes into the file) is passed over, never decoded. */
  skip?: (bytes: Buffer, start: number, end: number, offset: number) => boolean,
): Generator<{ number: number; text: string }> {
  const fd = openSync(file, "r");
  let number = 0;
  try {
    let chunk = Buffer.allocUnsafe(chunkBytes);
    // Bytes of a line begun in an earlier chunk sit at the start of `chunk`, which is `base` bytes into the file.
    let kept = 0;
    let base = 0;
    for (let read = readSync(fd, chunk, kept, chunk.length - kept, null); read > 0; read = readSync(fd, chunk, kept, chunk.length - kept, null)) {
      onBytes?.(chunk.subarray(kept, kept + read));
      const end = kept + read;
      let start = 0;
      for (let newline = chunk.indexOf(10, kept); newline !== -1 && newline < end; newline = chunk.indexOf(10, start)) {
        number++;
        if (!skip?.(chunk, start, newline, base + start)) yield { number, text: chunk.toString("utf8", start, newline) };
        start = newline + 1;
      }
      kept = end - start;
      base += start;
      // A line longer than the chunk: the chunk grows to hold it.
      const next = kept === chunk.length ? Buffer.allocUnsafe(chunk.length * 2) : chunk;
      chunk.copy(next, 0, start, end);
      chunk = next;
    }
    if (kept > 0 && !skip?.(chunk, 0, kept, base)) yield { number: ++number, text: chunk.toString("utf8", 0, kept) };
  } finally {
    closeSync(fd);
  }
}
