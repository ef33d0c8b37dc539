import { readFileSync } from "node:fs";
import { basename, dirname, extname, resolve } from "node:path";
import type { CsvOptions } from "../config/settings.js";
import { DatasetError, UsageError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import { csvRecord, readCsvTable, splitTags } from "./csv.js";
import { type RawRecord, recordProblem } from "./dataset.js";
import { parseDocumentRecords } from "./document.js";
import { parseJsonl } from "./jsonl.js";

/**
 * A testset: a file `upload` sends to Phoenix and `validate` checks, with every problem found at
 * once (not just the first), each with the file line it is on, so an editor can jump to it.
 */

export type TestsetFormat = "csv" | "jsonl" | "json" | "yaml";

const formats: Record<string, TestsetFormat> = { ".csv": "csv", ".jsonl": "jsonl", ".json": "json", ".yaml": "yaml", ".yml": "yaml" };

/** The file's format from its extension; any other extension is a usage error naming the ones known. */
export function testsetFormat(file: string): TestsetFormat {
  const format = formats[extname(file).toLowerCase()];
  if (!format) throw new UsageError(`${shownPath(file)}: unknown testset format "${extname(file) || "(no extension)"}"; use .csv, .jsonl, .json, .yaml or .yml`);
  return format;
}

export interface TestsetExample {
  input: Record<string, unknown>;
  output: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface TestsetRow extends TestsetExample {
  /** The file line the row or record starts on (a CSV's header is line 1). */
  line: number;
  id?: string;
  /** CSV split by tag only: the row's tags, split and stripped; [] when its tag cell is empty. */
  tags?: string[];
}

export type IssueKind =
  /** The file cannot be parsed (bad CSV quoting, bad JSON or YAML). */
  "unreadable" | "missing-column" | "malformed-record" | "no-examples" | "empty-tag" | "empty-output" | "duplicate" | "duplicate-id";

export interface TestsetIssue {
  line: number;
  kind: IssueKind;
  message: string;
}

/** Issues that make a file impossible to upload; the others (empty tags and outputs, duplicates) are handled by `upload` and fail `validate` and `upload --strict`. */
const blocking: ReadonlySet<IssueKind> = new Set(["unreadable", "missing-column", "malformed-record", "no-examples"]);

export function isBlocking(issue: TestsetIssue): boolean {
  return blocking.has(issue.kind);
}

export interface Testset {
  file: string;
  format: TestsetFormat;
  /** The rows that could be read (malformed records are left out, with an issue). */
  rows: TestsetRow[];
  /** Every problem found, in line order. */
  issues: TestsetIssue[];
  /** CSV split by tag: the column the tags are read from. */
  tagColumn?: string;
}

export interface TestsetOptions {
  csv: CsvOptions;
  /**
   * CSV: split into one dataset per tag, so the tag column is required and an empty tag is an issue
   * (default true); "if-present": so only when the file has the tag column (`run` needs none).
   */
  byTag?: boolean | "if-present";
}

/** Reads and checks a testset. Content problems are issues; only a file that cannot be read throws. */
export function readTestset(file: string, options: TestsetOptions): Testset {
  const format = testsetFormat(file);
  const shown = shownPath(file);
  let text: string;
  try {
    // Editors on Windows often save a byte-order mark; it is not part of the first record.
    text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${shown}: ${code === "ENOENT" ? "no such file" : `cannot read it (${code ?? error})`}`);
  }
  const issues: TestsetIssue[] = [];
  const { rows, byTag } = format === "csv" ? readCsvRows(text, shown, options, issues) : { rows: readRecords(text, shown, format, issues), byTag: false };
  checkDuplicates(rows, issues);
  issues.sort((a, b) => a.line - b.line);
  return { file, format, rows, issues, ...(byTag ? { tagColumn: options.csv.tagColumn } : {}) };
}

/** The rows, and whether the file is split by tag (see TestsetOptions.byTag). */
function readCsvRows(text: string, shown: string, options: TestsetOptions, issues: TestsetIssue[]): { rows: TestsetRow[]; byTag: boolean } {
  const { csv } = options;
  let table: ReturnType<typeof readCsvTable>;
  try {
    table = readCsvTable(text, shown);
  } catch (error) {
    issues.push(unreadable(error, shown));
    return { rows: [], byTag: (options.byTag ?? true) === true };
  }
  const { columns, rows } = table;
  const byTag = options.byTag === "if-present" ? columns.includes(csv.tagColumn) : (options.byTag ?? true);
  const required: [string, string][] = [
    ...csv.inputKeys.map((key): [string, string] => [key, "--input-keys or [dataset] input_keys"]),
    ...csv.outputKeys.map((key): [string, string] => [key, "--output-keys or [dataset] output_keys"]),
    ...(byTag ? [[csv.tagColumn, "--tag-column or [dataset] tag_column"] as [string, string]] : []),
  ];
  for (const [column, setting] of required) {
    if (!columns.includes(column)) {
      issues.push({ line: 1, kind: "missing-column", message: `missing column "${column}" (columns: ${columns.join(", ") || "none"}); add it or name the right column with ${setting}` });
    }
  }
  if (rows.length === 0) issues.push({ line: 1, kind: "no-examples", message: "no data rows below the header" });
  const hasTags = byTag && columns.includes(csv.tagColumn);
  const outputColumns = csv.outputKeys.filter((key) => columns.includes(key));
  const read = rows.map(({ line, cells }) => {
    const row: TestsetRow = { line, ...csvRecord(cells, csv) };
    if (hasTags) {
      row.tags = splitTags(cells[csv.tagColumn] ?? "", csv.delimiter);
      if (row.tags.length === 0) issues.push({ line, kind: "empty-tag", message: `empty tag (column "${csv.tagColumn}"): upload skips this row` });
    }
    const empty = outputColumns.filter((key) => (cells[key] ?? "").trim() === "");
    if (empty.length > 0) issues.push({ line, kind: "empty-output", message: `empty expected output (${empty.length > 1 ? "columns" : "column"} ${empty.map((key) => `"${key}"`).join(", ")})` });
    return row;
  });
  return { rows: read, byTag };
}

function readRecords(text: string, shown: string, format: Exclude<TestsetFormat, "csv">, issues: TestsetIssue[]): TestsetRow[] {
  let records: RawRecord[];
  try {
    records = [
      ...(format === "jsonl"
        ? parseJsonl(text, shown, (line, message) => issues.push({ line, kind: "malformed-record", message }))
        : parseDocumentRecords(text, shown, format === "json" ? "json" : "yaml")),
    ];
  } catch (error) {
    issues.push(unreadable(error, shown));
    return [];
  }
  const rows: TestsetRow[] = [];
  const ids = new Map<string, number>();
  for (const { line, value } of records) {
    const problem = recordProblem(value);
    if (problem !== null) {
      issues.push({ line, kind: "malformed-record", message: problem });
      continue;
    }
    const record = value as { id?: string | number; input: Record<string, unknown>; output?: Record<string, unknown>; metadata?: Record<string, unknown> };
    const row: TestsetRow = { line, input: record.input, output: record.output ?? {}, metadata: record.metadata ?? {} };
    if (record.id !== undefined) {
      row.id = String(record.id);
      const first = ids.get(row.id);
      if (first !== undefined) issues.push({ line, kind: "duplicate-id", message: `duplicate id "${row.id}" (first on row ${first})` });
      else ids.set(row.id, line);
    }
    if (isEmpty(row.output)) issues.push({ line, kind: "empty-output", message: `empty expected output ("output" is ${record.output === undefined ? "missing" : "empty"})` });
    rows.push(row);
  }
  if (records.length === 0) issues.push({ line: 1, kind: "no-examples", message: "no records" });
  return rows;
}

/** Rows with the same input and output as an earlier row, each naming the first. */
function checkDuplicates(rows: TestsetRow[], issues: TestsetIssue[]): void {
  const first = new Map<string, number>();
  for (const row of rows) {
    const key = stableJson([row.input, row.output]);
    const earlier = first.get(key);
    if (earlier !== undefined) issues.push({ line: row.line, kind: "duplicate", message: `duplicate of row ${earlier} (same input and output)` });
    else first.set(key, row.line);
  }
}

/** An error from a reader (which names the file and line) as an issue on that line. */
function unreadable(error: unknown, shown: string): TestsetIssue {
  if (!(error instanceof DatasetError)) throw error;
  const prefix = `${shown}:`;
  const rest = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  const match = /^(\d+)(?::\d+)?: ([\s\S]*)$/.exec(rest);
  return match ? { line: Number(match[1]), kind: "unreadable", message: match[2]! } : { line: 1, kind: "unreadable", message: rest.replace(/^ /, "") };
}

/** An expected output with nothing in it: no keys, or only empty strings, nulls, empty lists and objects. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.every(isEmpty);
  if (typeof value === "object") return Object.values(value).every(isEmpty);
  return false;
}

/** JSON with object keys sorted at every depth: equal values give equal strings. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
  );
}

/** The identity of an example for deduplication: its input, output and metadata. */
export function exampleKey(example: TestsetExample): string {
  return stableJson([example.input, example.output, example.metadata]);
}

/**
 * The dataset a records file becomes when no name is given: the file's stem, except that
 * `<folder>/dataset.<ext>` is named after its folder (the experiment folder `run` looks it up from).
 */
export function defaultDatasetName(file: string): string {
  const stem = basename(file, extname(file));
  return stem === "dataset" ? basename(dirname(resolve(file))) : stem;
}

export interface PlannedDataset {
  name: string;
  examples: TestsetExample[];
  /** The line each example comes from. */
  lines: number[];
}

export interface UploadPlan {
  datasets: PlannedDataset[];
  /** What the user should know: rows left out, duplicates uploaded once, ids not kept. */
  warnings: string[];
}

/**
 * The datasets a testset becomes. A CSV makes one dataset per tag, in order of first appearance (a
 * row with several tags goes into each; a row with no tag into none, with a warning), unless `name`
 * is given: then, like a records file, the whole file is one dataset. A row identical to an earlier
 * one (input, output and metadata) is uploaded once. Throws a DatasetError when the file has a
 * blocking issue.
 */
export function planUpload(testset: Testset, options: { name?: string | undefined } = {}): UploadPlan {
  const shown = shownPath(testset.file);
  const stoppers = testset.issues.filter(isBlocking);
  if (stoppers.length > 0) {
    const [first] = stoppers;
    const more = stoppers.length > 1 ? ` (and ${stoppers.length - 1} more problem${stoppers.length > 2 ? "s" : ""}: evalwire validate ${shown} lists them)` : "";
    throw new DatasetError(`${shown}:${first!.line}: ${first!.message}${more}; nothing uploaded`);
  }
  const warnings: string[] = [];
  const byName = new Map<string, PlannedDataset>();
  const add = (name: string, row: TestsetRow) => {
    let dataset = byName.get(name);
    if (!dataset) {
      dataset = { name, examples: [], lines: [] };
      byName.set(name, dataset);
    }
    dataset.examples.push({ input: row.input, output: row.output, metadata: row.metadata });
    dataset.lines.push(row.line);
  };
  const seen = new Map<string, number>();
  const fixedName = testset.format === "csv" ? options.name : (options.name ?? defaultDatasetName(testset.file));
  for (const row of testset.rows) {
    const tags = fixedName === undefined ? new Set(row.tags ?? []) : null;
    if (tags?.size === 0) {
      // Never a dataset named "" (or "nan", as the Python evalwire made).
      warnings.push(`${shown}:${row.line}: empty tag (column "${testset.tagColumn}"); row not uploaded`);
      continue;
    }
    const key = exampleKey(row);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      warnings.push(`${shown}:${row.line}: same input, output and metadata as row ${earlier}; uploaded once`);
      continue;
    }
    seen.set(key, row.line);
    if (tags) for (const tag of tags) add(tag, row);
    else add(fixedName!, row);
  }
  if (testset.rows.some((row) => row.id !== undefined)) {
    warnings.push(`${shown}: example ids are not uploaded; Phoenix gives each example its own id (evalwire pull writes those ids back)`);
  }
  if (byName.size === 0) throw new DatasetError(`${shown}: no row has a tag, so there is nothing to upload; fill the tag column, or pass --name NAME to upload the whole file as one dataset`);
  return { datasets: [...byName.values()], warnings };
}
