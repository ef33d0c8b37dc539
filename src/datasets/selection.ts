import { createHash } from "node:crypto";

/** Which examples of a dataset a run takes (`--limit`, `--sample`/`--seed`, `--example`). */
export type Selection = { kind: "limit"; count: number } | { kind: "sample"; count: number; seed: string } | { kind: "ids"; ids: string[] };

export interface Selected<T> {
  /** The chosen examples, in dataset order. */
  examples: T[];
  /** `--example` ids the dataset does not hold. */
  missing: string[];
  /** Examples read (past a limit, reading stops: the dataset may hold more). */
  total: number;
  /** True when some examples were left out: the run is recorded as partial. */
  partial: boolean;
}

/** What the selection is, in words, for the run header and run.json. */
export function describeSelection(selection: Selection): string {
  if (selection.kind === "limit") return `the first ${selection.count}`;
  if (selection.kind === "sample") return `a sample of ${selection.count} (seed ${selection.seed})`;
  return `example${selection.ids.length === 1 ? "" : "s"} ${selection.ids.join(", ")}`;
}

/**
 * Chooses examples as they stream past (`offer` each, then `finish`), holding at most the chosen
 * ones, so a dataset of a million examples needs memory only for what is kept.
 *
 * The sample: each example's rank is sha256(seed, NUL, example id), and the `count` examples of
 * lowest rank are taken (bottom-k sampling). That is the same on every machine and Node version
 * (no Math.random, no engine-specific PRNG), does not depend on the dataset's order, and is stable
 * as a dataset grows: an example added later displaces one only if its own rank is lower.
 */
export class ExampleSelector<T extends { id: string }> {
  private seen = 0;
  private readonly kept: { index: number; rank: string; example: T }[] = [];
  private readonly wanted: Set<string>;
  private readonly found = new Set<string>();
  private overflow = false;

  constructor(private readonly selection: Selection) {
    this.wanted = new Set(selection.kind === "ids" ? selection.ids : []);
  }

  /** False once no later example can be chosen (past a limit): the caller may stop reading. */
  offer(example: T): boolean {
    const index = this.seen++;
    const { selection } = this;
    if (selection.kind === "limit") {
      if (this.kept.length < selection.count) {
        this.kept.push({ index, rank: "", example });
        return true;
      }
      // One example past the limit says the run leaves some out; none after it need be read.
      this.seen--;
      this.overflow = true;
      return false;
    }
    if (selection.kind === "ids") {
      if (this.wanted.has(example.id) && !this.found.has(example.id)) {
        this.found.add(example.id);
        this.kept.push({ index, rank: "", example });
      }
      return true;
    }
    const rank = sampleRank(selection.seed, example.id);
    if (this.kept.length < selection.count) heapPush(this.kept, { index, rank, example });
    else if (rank < this.kept[0]!.rank) heapReplaceTop(this.kept, { index, rank, example });
    return true;
  }

  finish(): Selected<T> {
    const examples = [...this.kept].sort((a, b) => a.index - b.index).map((each) => each.example);
    const missing = [...this.wanted].filter((id) => !this.found.has(id));
    const partial = this.overflow || examples.length < this.seen;
    return { examples, missing, total: this.seen, partial };
  }
}

/** Chooses from examples already in memory. */
export function selectExamples<T extends { id: string }>(examples: Iterable<T>, selection: Selection): Selected<T> {
  const selector = new ExampleSelector<T>(selection);
  for (const example of examples) if (!selector.offer(example)) break;
  return selector.finish();
}

/** An example's place in the seeded sample: lower ranks are chosen first. */
export function sampleRank(seed: string, exampleId: string): string {
  return createHash("sha256").update(seed).update("\0").update(exampleId).digest("hex");
}

// A max-heap on rank: the top is the kept example that the next lower-ranked one displaces.
type Entry = { rank: string };

function heapPush<E extends Entry>(heap: E[], entry: E): void {
  heap.push(entry);
  for (let i = heap.length - 1; i > 0; ) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.rank >= heap[i]!.rank) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function heapReplaceTop<E extends Entry>(heap: E[], entry: E): void {
  heap[0] = entry;
  for (let i = 0; ; ) {
    const left = 2 * i + 1;
    const right = left + 1;
    let largest = i;
    if (left < heap.length && heap[left]!.rank > heap[largest]!.rank) largest = left;
    if (right < heap.length && heap[right]!.rank > heap[largest]!.rank) largest = right;
    if (largest === i) return;
    [heap[largest], heap[i]] = [heap[i]!, heap[largest]!];
    i = largest;
  }
}
