import { createRequire } from "node:module";
import type { ParseError } from "jsonc-parser";
import { DatasetError } from "../errors.js";
import type { RawRecord } from "./dataset.js";

// Loaded on first use: most runs read JSONL or CSV datasets, and `list` reads none.
const require = createRequire(import.meta.url);
const yaml = () => require("yaml") as typeof import("yaml");
const jsonc = () => require("jsonc-parser") as typeof import("jsonc-parser");

/**
 * JSON or YAML: a list of records, or `{ examples: [...] }`. Parsed with `yaml` (JSON is YAML)
 * so every record keeps its line number for error messages; a `.json` file must first be strict
 * JSON (YAML would let comments and trailing commas through).
 */
export function* parseDocumentRecords(text: string, file: string, format: "json" | "yaml" = "yaml"): Generator<RawRecord> {
  if (format === "json") requireStrictJson(text, file);
  const { isMap, isNode, isSeq, LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const at = problem.linePos?.[0];
    const message = problem.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new DatasetError(`${file}${at ? `:${at.line}:${at.col}` : ""}: ${message}`);
  }
  const root: unknown = doc.contents;
  const list = isMap(root) && root.has("examples") ? root.get("examples", true) : root;
  if (!isSeq(list)) throw new DatasetError(`${file}:1: expected a list of records, or { examples: [...] }`);
  for (const item of list.items) {
    const offset = isNode(item) ? (item.range?.[0] ?? 0) : 0;
    yield { line: lineCounter.linePos(offset).line, value: isNode(item) ? item.toJSON() : item };
  }
}

/** JSON.parse decides; jsonc-parser, told to allow nothing beyond JSON, says where and why. */
function requireStrictJson(text: string, file: string): void {
  try {
    JSON.parse(text);
    return;
  } catch {}
  const { parseTree, printParseErrorCode } = jsonc();
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  const before = first ? text.slice(0, first.offset) : "";
  const at = first ? `:${before.split("\n").length}:${first.offset - before.lastIndexOf("\n")}` : "";
  const reason = first ? (reasons[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)) : "not strict JSON";
  throw new DatasetError(`${file}${at}: not valid JSON: ${reason} (a .json dataset is strict JSON; name it .yaml to allow comments and trailing commas)`);
}

const reasons: Record<string, string> = {
  InvalidCommentToken: "a comment",
  PropertyNameExpected: "a trailing comma, or a property name not in double quotes",
  ValueExpected: "a trailing comma, or a missing value",
  InvalidSymbol: "a character JSON does not allow",
  CommaExpected: "a missing comma",
  ColonExpected: "a missing colon",
  CloseBraceExpected: "a missing }",
  CloseBracketExpected: "a missing ]",
  EndOfFileExpected: "more after the end of the JSON value",
  UnexpectedEndOfString: "a string not closed",
  UnexpectedEndOfComment: "a comment not closed",
  InvalidEscapeCharacter: "an invalid escape in a string",
  InvalidCharacter: "a control character in a string",
};
