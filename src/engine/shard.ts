import { createHash } from "node:crypto";
import { UsageError } from "../errors.js";

/** Shard `index` of `count`, 1-based, as `--shard 2/4` writes it. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Whether a task call (an example and a repetition) belongs to the shard. The key is
 * `${exampleId}\0${repetition}`; its SHA-256, read as a big-endian unsigned 32-bit number from the
 * first four bytes, modulo `count`, is the shard (0-based). SHA-256 is fixed by its standard, so the
 * split is the same on every machine, Node version and run, and it depends on nothing else: not on
 * the order of the examples, nor on which other examples the dataset holds.
 */
export function inShard(shard: Shard | null, exampleId: string, repetition: number): boolean {
  if (shard === null || shard.count === 1) return true;
  return shardOf(exampleId, repetition, shard.count) === shard.index - 1;
}

/** The 0-based shard a task call falls in, among `count`. */
export function shardOf(exampleId: string, repetition: number, count: number): number {
  const digest = createHash("sha256").update(`${exampleId}\u0000${repetition}`, "utf8").digest();
  return digest.readUInt32BE(0) % count;
}

/** `i/n` with whole numbers 1 ≤ i ≤ n; `what` names the flag or key in the error. */
export function parseShard(text: string, what = "--shard"): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const fail = (why: string) => new UsageError(`${what} takes i/n, shard i of n with 1 ≤ i ≤ n, such as 1/4 (got ${JSON.stringify(text)}: ${why})`);
  if (!match) throw fail("not two whole numbers joined by /");
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw fail("n must be 1 or more");
  if (index < 1) throw fail("i counts from 1");
  if (index > count) throw fail("i must not exceed n");
  return { index, count };
}

/** How run.json and messages write a shard: `2/4`. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** What a shard adds to its run folder's name, so shards of one run never share a folder: `-shard-2-of-4`. */
export function shardSuffix(shard: Shard | null): string {
  return shard ? `-shard-${shard.index}-of-${shard.count}` : "";
}
