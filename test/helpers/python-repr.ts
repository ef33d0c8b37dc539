// Writes JSON values as Python literals, as the Python evalwire's upload stores list cells
// (`str(['a', 'b'])`), for tests of the Python literal reader.

/** A Python literal for a JSON value: strings single- or double-quoted with escapes, True/False/None. */
export function pythonRepr(value: unknown, quote: "'" | '"' = "'"): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`no Python literal for ${value}`);
    return Object.is(value, -0) ? "-0.0" : String(value);
  }
  if (typeof value === "string") return pythonString(value, quote);
  if (Array.isArray(value)) return `[${value.map((item) => pythonRepr(item, quote)).join(", ")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${pythonString(key, quote)}: ${pythonRepr(item, quote)}`)
      .join(", ")}}`;
  }
  throw new Error(`no Python literal for ${typeof value}`);
}

function pythonString(text: string, quote: "'" | '"'): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === "\\" || char === quote) out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return quote + out + quote;
}
