/**
 * Example ids, each with a whole number (the line it was first seen on, the repetitions already
 * run), in about 30 bytes an id: their UTF-8 bytes end to end in one buffer and an open-addressing
 * table of their places. A Map of a million ids takes ~100 MB of heap, and V8 then lets the heap
 * grow to several times that for the rest of the run.
 */
export class IdTable {
  private bytes: Buffer = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  /** Id i's bytes are bytes[starts[i] .. starts[i + 1]). */
  private starts: Uint32Array = new Uint32Array(1024);
  private values: Uint32Array = new Uint32Array(1024);
  private hashes: Uint32Array = new Uint32Array(1024);
  /** Index + 1 of the id in each slot, 0 for an empty slot; at most half full. */
  private slots = new Int32Array(2048);
  size = 0;
  private lastFound = -1;

  has(id: string): boolean {
    return this.find(id, hashOf(id)) !== -1;
  }

  /** The number kept with `id`, or undefined when it is not in the table. */
  get(id: string): number | undefined {
    const index = this.find(id, hashOf(id));
    return index === -1 ? undefined : this.values[index];
  }

  /** Keeps `value` (0 to 2^32 - 1) with `id`, added if new. */
  set(id: string, value: number): void {
    const hash = hashOf(id);
    const known = this.find(id, hash);
    if (known !== -1) this.values[known] = value;
    else this.insert(id, hash, value);
  }

  /** Sets `bits` in the number kept with `id` (0 for a new id) in one look-up; returns the number it had. */
  or(id: string, bits: number): number {
    const hash = hashOf(id);
    const known = this.find(id, hash);
    if (known === -1) {
      this.insert(id, hash, bits >>> 0);
      return 0;
    }
    const had = this.values[known]!;
    this.values[known] = (had | bits) >>> 0;
    return had;
  }

  private insert(id: string, hash: number, value: number): void {
    const index = this.size++;
    if (this.size + 1 > this.starts.length) this.growEntries();
    const length = Buffer.byteLength(id);
    if (this.used + length > this.bytes.length) this.bytes = grown(this.bytes, this.used + length);
    this.bytes.write(id, this.used);
    this.starts[index] = this.used;
    this.used += length;
    this.starts[index + 1] = this.used;
    this.values[index] = value;
    this.hashes[index] = hash;
    if (this.size * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(index, hash);
  }

  private find(id: string, hash: number): number {
    // Ids are mostly looked up in the order they were added (a dataset read again, results in
    // dataset order): the one after the last found is tried first, in memory already at hand.
    const next = this.lastFound + 1;
    if (next < this.size && this.hashes[next] === hash && this.holds(next, id)) return this.found(next);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      const index = entry - 1;
      if (this.hashes[index] === hash && this.holds(index, id)) return this.found(index);
    }
  }

  private found(index: number): number {
    this.lastFound = index;
    return index;
  }

  /** Whether id `index` is `id`, compared without decoding it when it is ASCII. */
  private holds(index: number, id: string): boolean {
    const start = this.starts[index]!;
    if (this.starts[index + 1]! - start !== id.length) return this.bytes.toString("utf8", start, this.starts[index + 1]) === id;
    for (let i = 0; i < id.length; i++) {
      const code = id.charCodeAt(i);
      if (code >= 0x80) return this.bytes.toString("utf8", start, this.starts[index + 1]) === id;
      if (this.bytes[start + i] !== code) return false;
    }
    return true;
  }

  private place(index: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = index + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let index = 0; index < this.size; index++) this.place(index, this.hashes[index]!);
  }

  private growEntries(): void {
    const length = this.starts.length * 2;
    this.starts = copied(this.starts, new Uint32Array(length));
    this.values = copied(this.values, new Uint32Array(length));
    this.hashes = copied(this.hashes, new Uint32Array(length));
  }
}

/** FNV-1a over the UTF-16 code units, as an unsigned 32-bit number. */
function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function grown(bytes: Buffer, atLeast: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(bytes.length * 2, atLeast));
  bytes.copy(bigger);
  return bigger;
}

function copied(from: Uint32Array, to: Uint32Array): Uint32Array {
  to.set(from);
  return to;
}
