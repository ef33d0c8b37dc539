import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, TomlError } from "smol-toml";
import type { z } from "zod";
import { UsageError } from "../errors.js";

/** Reads and validates a TOML file; every problem is a UsageError naming the file and key. */
export function readToml<T extends z.ZodType>(file: string, schema: T, label = file): z.infer<T> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw new UsageError(`${label}: is a folder, not a TOML file; name the file itself (such as ${join(label, "evalwire.toml")})`);
    throw new UsageError(`${label}: ${code === "EACCES" ? "cannot read it (permission denied); let this user read it (chmod a+r)" : `cannot read it (${code ?? error})`}`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "");
      throw new UsageError(`${label}:${error.line}:${error.column}: invalid TOML: ${reason}`);
    }
    throw error;
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new UsageError(`${label}: ${describeIssue(parsed.error.issues[0]!, data, schema)}`);
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown, schema: z.ZodType): string {
  const at = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => keyName([...at, key])).join(", ");
    const known = knownKeys(schema, at);
    return `unknown key ${keys}${known.length > 0 ? `; known keys here: ${known.join(", ")}` : ""}`;
  }
  // A key marked secret (say, a key pasted where its variable's name belongs) is never echoed.
  const secret = (unwrap(schemaAt(schema, at)) as { meta?: () => { secret?: boolean } | undefined } | undefined)?.meta?.()?.secret;
  return `${keyName(at)}: ${plainly(issue)}${secret ? "" : ` (got ${JSON.stringify(valueAt(data, at))})`}`;
}

const tomlType: Record<string, string> = { string: "a quoted string", object: "a table", array: "a list", number: "a number", boolean: "true or false" };

/** Zod's own wording ("Invalid input: expected string, received number") said as the rest of the messages are. */
function plainly(issue: z.core.$ZodIssue): string {
  // A message the schema gives itself is kept.
  if (!/^(Invalid input|Too small)\b/.test(issue.message)) return issue.message;
  if (issue.code === "invalid_type") return `expected ${tomlType[issue.expected] ?? `a ${issue.expected}`}`;
  if (issue.code === "too_small" && issue.origin === "string" && Number(issue.minimum) === 1) return "must not be empty";
  return issue.message;
}

function schemaAt(schema: z.ZodType, path: string[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = schema;
  for (const key of path) node = unwrap(node)?.shape?.[key];
  return node;
}

/** The keys the schema allows at a path, for "did you mean" hints. */
function knownKeys(schema: z.ZodType, path: string[]): string[] {
  return Object.keys(unwrap(schemaAt(schema, path))?.shape ?? {});
}

/** The parts of a zod schema this walk reads: optional and default wrappers unwrap, objects have a shape. */
interface SchemaNode {
  unwrap?: () => SchemaNode;
  shape?: Record<string, z.ZodType>;
}

function unwrap(node: z.ZodType | undefined): SchemaNode | undefined {
  let current = node as SchemaNode | undefined;
  while (current && typeof current.unwrap === "function") current = current.unwrap();
  return current;
}

/** `experiments.timeout` → `[experiments] timeout`; a top-level key stays bare. */
function keyName(path: string[]): string {
  if (path.length <= 1) return path[0] ?? "(top level)";
  return `[${path.slice(0, -1).join(".")}] ${path.at(-1)}`;
}

function valueAt(data: unknown, path: string[]): unknown {
  let value = data;
  for (const key of path) value = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}
