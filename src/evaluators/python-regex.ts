import { shown } from "./options.js";

// What Python's `re` means by \s, \d and \w on text (Unicode), as JavaScript class contents.
// \s: str.isspace() (not U+FEFF, which JavaScript's \s has; \x1c-\x1f and \x85, which it lacks).
const space = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const digit = "\\p{Nd}";
// \w: str.isalnum() or "_" (letters and numbers of every script; combining marks are not).
const word = "\\p{L}\\p{N}_";
const asciiSpace = "\\t-\\r ";
const syntax = new Set("^$\\.*+?()[]{}|/");

/**
 * A Python `re` pattern as a JavaScript RegExp that matches what it matches: by code points (the
 * `u` flag, so `.` is one emoji), `.`/`^`/`$` knowing only "\n" as a line end, Unicode `\d`, `\w`,
 * `\s` and `\b`, `(?P<name>...)`, `(?P=name)`, `(?#...)`, leading `(?aimsu)` flags, `\A`, `\Z`,
 * `\a`, `\U0001F600`, octal escapes, `x{,n}`, and `{`, `}`, `]` or an escaped punctuation mark as
 * the literal they are in Python. `(?x)` is an error.
 */
export function pythonRegex(pattern: string, factory = "regexMatch"): RegExp {
  let source = pattern;
  let given = "";
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    given = inline[1]!;
    if (given.includes("x")) throw new TypeError(`${factory}: the verbose flag (?x) is not supported in ${shown(pattern)}`);
    source = source.slice(inline[0].length);
  }
  const ascii = given.includes("a");
  const multiline = given.includes("m");
  const dotAll = given.includes("s");
  const wordClass = ascii ? "\\w" : `[${word}]`;
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === "\\") {
      const [text, used] = escapeAt(source, i + 1, inClass, ascii, wordClass);
      out += text;
      i += used;
    } else if (inClass) {
      if (char === "]") inClass = false;
      out += char;
    } else if (char === "[") {
      inClass = true;
      out += char;
      if (source[i + 1] === "^") out += source[++i];
      if (source[i + 1] === "]") {
        out += "\\]"; // a leading ] is literal in Python
        i++;
      }
    } else if (source.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
    } else if (source.startsWith("(?P=", i)) {
      const end = source.indexOf(")", i);
      out += `\\k<${source.slice(i + 4, end)}>`;
      i = end;
    } else if (source.startsWith("(?#", i) && source.includes(")", i)) {
      i = source.indexOf(")", i); // a comment
    } else if (char === "{") {
      const bounds = /\{(\d*)(,?)(\d*)\}/y;
      bounds.lastIndex = i;
      const match = bounds.exec(source);
      if (match && match[0] !== "{}") {
        out += match[2] ? `{${match[1] || "0"},${match[3]}}` : match[0];
        i += match[0].length - 1;
      } else out += "\\{";
    } else if (char === "}" || char === "]") out += `\\${char}`;
    else if (char === ".") out += dotAll ? "[^]" : "[^\\n]";
    else if (char === "^") out += multiline ? "(?<![^\\n])" : "^";
    else if (char === "$") out += multiline ? "(?![^\\n])" : "(?=\\n?(?![^]))";
    else out += char;
  }
  try {
    return new RegExp(out, given.includes("i") ? "iu" : "u");
  } catch (error) {
    throw new TypeError(`${factory}: the pattern ${shown(pattern)} is not a valid regular expression: ${(error as Error).message}`);
  }
}

/** The escape at `source[at]` (after its backslash) in JavaScript, and how many characters it used. */
function escapeAt(source: string, at: number, inClass: boolean, ascii: boolean, wordClass: string): [string, number] {
  const next = source[at];
  if (next === undefined) return ["\\", 0];
  const literal = (code: number) => `\\u{${code.toString(16)}}`;
  if (!ascii) {
    const inside: Record<string, string> = { s: space, d: digit, w: word, D: "\\P{Nd}" };
    const outside: Record<string, string> = { s: `[${space}]`, S: `[^${space}]`, d: digit, D: "\\P{Nd}", w: `[${word}]`, W: `[^${word}]` };
    const translated = inClass ? inside[next] : outside[next];
    if (translated) return [translated, 1];
    if (!inClass && next === "b") return [`(?:(?<=${wordClass})(?!${wordClass})|(?<!${wordClass})(?=${wordClass}))`, 1];
    if (!inClass && next === "B") return [`(?:(?<=${wordClass})(?=${wordClass})|(?<!${wordClass})(?!${wordClass}))`, 1];
  } else if (next === "s" || next === "S") return [inClass ? (next === "s" ? asciiSpace : "\\S") : `[${next === "S" ? "^" : ""}${asciiSpace}]`, 1];
  if (!inClass && next === "A") return ["(?<![^])", 1];
  if (!inClass && next === "Z") return ["(?![^])", 1];
  if (next === "a") return ["\\x07", 1];
  if (next === "U" && /^[0-9a-fA-F]{8}$/.test(source.slice(at + 1, at + 9))) return [literal(parseInt(source.slice(at + 1, at + 9), 16)), 9];
  // \0, \0oo and any three octal digits are a character; \1 to \99 otherwise a group (in a class, octal).
  const octal = /^(?:0[0-7]{0,2}|[0-7]{3})/.exec(source.slice(at, at + 3))?.[0] ?? (inClass ? /^[0-7]{1,3}/.exec(source.slice(at, at + 3))?.[0] : undefined);
  if (octal !== undefined && parseInt(octal, 8) <= 0o377) return [literal(parseInt(octal, 8)), octal.length];
  if (/[0-9A-Za-z]/.test(next)) return [`\\${next}`, 1];
  if (syntax.has(next) || (inClass && next === "-")) return [`\\${next}`, 1];
  // Any other escaped character is itself in Python; the u flag would reject `\:` or `\é`.
  const code = source.codePointAt(at)!;
  return [literal(code), code > 0xffff ? 2 : 1];
}
