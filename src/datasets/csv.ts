import { parse } from "csv-parse/sync";
import type { CsvOptions } from "../config/settings.js";
import { DatasetError } from "../errors.js";
import type { RawRecord } from "./dataset.js";

/**
 * CSV columns map to `input` through input_keys and to `output` through output_keys, as the
 * Python evalwire's upload does; an `id` column is the example id, and other columns go to
 * `metadata`. A cell holding the delimiter becomes a list. Cells stay strings.
 */
export function* parseCsv(text: string, file: string, options: CsvOptions): Generator<RawRecord> {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text, { columns: true, bom: true, skip_empty_lines: true, info: true });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new DatasetError(`${file}${line ? `:${line}` : ""}: ${(error as Error).message}`);
  }
  const columns = rows[0] ? Object.keys(rows[0].record) : [];
  for (const key of [...options.inputKeys, ...options.outputKeys]) {
    if (rows.length > 0 && !columns.includes(key)) {
      const setting = options.inputKeys.includes(key) ? "input_keys" : "output_keys";
      throw new DatasetError(`${file}:1: missing column "${key}" (columns: ${columns.join(", ")}); add it or set [dataset] ${setting}`);
    }
  }
  const split = (cell: string) => (cell.includes(options.delimiter) ? cell.split(options.delimiter).map((part) => part.trim()) : cell);
  for (const { record, info } of rows) {
    const input: Record<string, unknown> = {};
    const output: Record<string, unknown> = {};
    const metadata: Record<string, unknown> = {};
    let id: string | undefined;
    for (const [column, cell] of Object.entries(record)) {
      if (options.inputKeys.includes(column)) input[column] = split(cell);
      else if (options.outputKeys.includes(column)) output[column] = split(cell);
      else if (column === "id" && cell !== "") id = cell;
      else metadata[column] = column === options.tagColumn ? cell.split(options.delimiter).map((t) => t.trim()).filter(Boolean) : split(cell);
    }
    yield { line: info.lines, value: id === undefined ? { input, output, metadata } : { id, input, output, metadata } };
  }
}
