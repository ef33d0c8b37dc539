import { parse } from "csv-parse/sync";
import type { CsvOptions } from "../config/settings.js";
import { DatasetError } from "../errors.js";
import type { RawRecord } from "./dataset.js";

/** A CSV file's header and its data rows, each with the line it starts on (the header is line 1). */
export interface CsvTable {
  columns: string[];
  rows: { line: number; cells: Record<string, string> }[];
}

/** Parses CSV text with a header row; a malformed file is a DatasetError naming the file and line. Cells stay strings. */
export function readCsvTable(text: string, file: string): CsvTable {
  let columns: string[] = [];
  let rows: { record: Record<string, string>; raw: string; info: { lines: number } }[];
  try {
    rows = parse(text, { columns: (header: string[]) => (columns = header), bom: true, skip_empty_lines: true, info: true, raw: true });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new DatasetError(`${file}${line ? `:${line}` : ""}: ${(error as Error).message}`);
  }
  // csv-parse counts the line a record ends on; a quoted cell may span lines, and an editor wants the first.
  const spanned = (raw: string) =>
    raw
      .replace(/^(\r?\n)+/, "")
      .replace(/\r?\n$/, "")
      .split("\n").length - 1;
  return { columns, rows: rows.map(({ record, raw, info }) => ({ line: info.lines - spanned(raw), cells: record })) };
}

/** Splits a cell into a stripped list when it holds the delimiter; otherwise the cell as it is. */
export function splitCell(cell: string, delimiter: string): string | string[] {
  return cell.includes(delimiter) ? cell.split(delimiter).map((part) => part.trim()) : cell;
}

/** A tag cell as a list: split on the delimiter (always, even with one tag), stripped, without empty tags. */
export function splitTags(cell: string, delimiter: string): string[] {
  return cell
    .split(delimiter)
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/**
 * One CSV row as a record: input_keys → `input`, output_keys → `output`, a non-empty `id` column →
 * the id, the other columns → `metadata` (the tag column as a list).
 */
export function csvRecord(
  cells: Record<string, string>,
  options: CsvOptions,
): { id?: string; input: Record<string, unknown>; output: Record<string, unknown>; metadata: Record<string, unknown> } {
  const input: Record<string, unknown> = {};
  const output: Record<string, unknown> = {};
  const metadata: Record<string, unknown> = {};
  let id: string | undefined;
  for (const [column, cell] of Object.entries(cells)) {
    if (options.inputKeys.includes(column)) input[column] = splitCell(cell, options.delimiter);
    else if (options.outputKeys.includes(column)) output[column] = splitCell(cell, options.delimiter);
    else if (column === "id" && cell !== "") id = cell;
    else metadata[column] = column === options.tagColumn ? splitTags(cell, options.delimiter) : splitCell(cell, options.delimiter);
  }
  return id === undefined ? { input, output, metadata } : { id, input, output, metadata };
}

/**
 * CSV columns map to `input` through input_keys and to `output` through output_keys, as the
 * Python evalwire's upload does; an `id` column is the example id, and other columns go to
 * `metadata`. A cell holding the delimiter becomes a list. Cells stay strings.
 */
export function* parseCsv(text: string, file: string, options: CsvOptions): Generator<RawRecord> {
  const { columns, rows } = readCsvTable(text, file);
  for (const key of [...options.inputKeys, ...options.outputKeys]) {
    if (rows.length > 0 && !columns.includes(key)) {
      const setting = options.inputKeys.includes(key) ? "input_keys" : "output_keys";
      throw new DatasetError(`${file}:1: missing column "${key}" (columns: ${columns.join(", ")}); add it or set [dataset] ${setting}`);
    }
  }
  for (const { line, cells } of rows) yield { line, value: csvRecord(cells, options) };
}
