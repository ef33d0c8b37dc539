import { createHash } from "node:crypto";
import { z } from "zod";
import { DatasetError } from "../errors.js";
import type { Example } from "../types.js";
import { IdTable } from "./id-table.js";

export interface Dataset {
  name: string;
  /** Phoenix's version id, or a local file's content hash. */
  version: string | null;
  /** Where it came from: a file path or a server URL. */
  source: string;
  examples: Examples;
  /** Where a Phoenix dataset lives on its server; recording an experiment there needs it. */
  remote?: RemoteDataset;
  /** Things the user should know that do not fail the experiment. */
  warnings?: string[];
}

export interface RemoteDataset {
  datasetId: string;
  versionId: string;
  splits: string[];
}

/**
 * A dataset's examples, in order. An array is one; a large JSONL file is another, read from the
 * start each time it is iterated, so that its examples are never all held in memory.
 */
export interface Examples extends Iterable<Example> {
  readonly length: number;
  /**
   * Every key of any example's expected output, when known without reading the examples again
   * (a streamed file notes them as it checks it); undefined for an array.
   */
  readonly outputKeys?: ReadonlySet<string>;
  /**
   * The examples as a run takes them, for a source that can: those `skip` names (a resumed run's
   * done ones) left out unread, and the others parsed only where a field is read (line-example.ts).
   */
  forRun?(skip?: (id: string) => boolean): Iterable<Example>;
}

const record = z.record(z.string(), z.unknown());
const exampleSchema = z.strictObject({
  id: z.union([z.string().min(1), z.number()]).optional(),
  input: record,
  output: record.optional(),
  metadata: record.optional(),
});

/** A record as read from a file, with the line it starts on. */
export interface RawRecord {
  line: number;
  value: unknown;
}

/** Validates records and gives each a stable id: its own, or a hash of its input and output. */
export function toExamples(records: Iterable<RawRecord>, file: string): Example[] {
  const ids = new ExampleIds(file);
  const examples: Example[] = [];
  for (const record of records) examples.push(ids.take(record));
  return examples;
}

/** Checks records one by one and names each example; remembers every id, to refuse a duplicate. */
export class ExampleIds {
  private readonly seen = new IdTable();
  /** Content-derived ids that were already taken, by line: such an example is named `<id>-2`. */
  readonly renamed = new Map<number, string>();

  constructor(private readonly file: string) {}

  take({ line, value }: RawRecord): Example {
    if (!isWellFormed(value)) throw new DatasetError(`${this.file}:${line}: ${recordProblem(value)}`);
    const { id, input, output = {}, metadata = {} } = value;
    let exampleId = id === undefined ? contentId(input, output) : String(id);
    if (this.seen.has(exampleId)) {
      if (id !== undefined) throw new DatasetError(`${this.file}:${line}: duplicate id "${exampleId}" (first on line ${this.seen.get(exampleId)}); ids must be unique`);
      exampleId = uniqueId(exampleId, this.seen);
      this.renamed.set(line, exampleId);
    }
    this.seen.set(exampleId, line);
    return { id: exampleId, input, output, metadata };
  }
}

const recordKeys = new Set(["id", "input", "output", "metadata"]);

export type RecordValue = z.infer<typeof exampleSchema>;

/** Why a value is not a record `{ id?, input, output?, metadata? }`, or null when it is one. */
export function recordProblem(value: unknown): string | null {
  if (isWellFormed(value)) return null;
  // Only a bad record pays for zod, which words the message.
  const parsed = exampleSchema.safeParse(value);
  if (parsed.success) return "malformed record";
  // A misspelt key ("inputs") says more than the missing one it stands for.
  const issues = parsed.error.issues;
  return describeIssue(issues.find((issue) => issue.code === "unrecognized_keys") ?? issues[0]!);
}

/** The fast check every record goes through; the same rules as exampleSchema. */
export function isWellFormed(value: unknown): value is RecordValue {
  if (!isObject(value)) return false;
  const record = value as Record<string, unknown>;
  for (const key in record) if (!recordKeys.has(key)) return false;
  const { id, input, output, metadata } = record;
  return (
    isObject(input) &&
    (output === undefined || isObject(output)) &&
    (metadata === undefined || isObject(metadata)) &&
    (id === undefined || (typeof id === "string" && id !== "") || typeof id === "number")
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function contentHash(bytes: Buffer | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}`;
}

export function contentId(input: unknown, output: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify([input, output]))
    .digest("hex")
    .slice(0, 12);
}

function uniqueId(id: string, seen: IdTable): string {
  for (let n = 2; ; n++) if (!seen.has(`${id}-${n}`)) return `${id}-${n}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown key ${issue.keys.map((k) => `"${k}"`).join(", ")}; a record has input, output, metadata and id`;
  const key = issue.path.join(".");
  if (issue.code === "invalid_type" && issue.path.length === 0) return "expected an object { input, output?, metadata?, id? }";
  if (key === "input" && issue.code === "invalid_type") return `"input" must be an object such as {"user_query": "..."}`;
  if (issue.code === "invalid_type") return `"${key}" must be ${issue.expected === "record" ? "an object" : `a ${issue.expected}`}`;
  return `"${key}": ${issue.message}`;
}
