const head = Buffer.from('{"exampleId":"');
const repetitionKey = Buffer.from('","repetition":');

/**
 * The (example, repetition) of a results.jsonl line, read off the bytes it starts with as the run
 * store writes them (`{"exampleId":"…","repetition":N,`), without decoding or parsing the rest.
 * Null when the line does not start that way (an id with escapes, say): parse it instead.
 */
export function callAtStart(bytes: Buffer, start: number, end: number): { exampleId: string; repetition: number } | null {
  const from = start + head.length;
  if (end <= from || !startsWith(bytes, start, head)) return null;
  let close = from;
  for (; close < end && bytes[close] !== 0x22; close++) if (bytes[close] === 0x5c) return null;
  const digits = close + repetitionKey.length;
  if (digits >= end || !startsWith(bytes, close, repetitionKey)) return null;
  let repetition = 0;
  let at = digits;
  for (; at < end && at - digits < 9 && bytes[at]! >= 0x30 && bytes[at]! <= 0x39; at++) repetition = repetition * 10 + bytes[at]! - 0x30;
  if (at === digits || at >= end || bytes[at] !== 0x2c || (bytes[digits] === 0x30 && at > digits + 1)) return null;
  return { exampleId: bytes.toString("utf8", from, close), repetition };
}

/** Buffer.compare with offsets, without its argument checks (a million lines a resume). */
function startsWith(bytes: Buffer, at: number, prefix: Buffer): boolean {
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}
