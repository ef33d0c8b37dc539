/**
 * A safe reader for the Python literals the Python evalwire stores in Phoenix (its `upload` writes a
 * list cell as `"['a', 'b']"`, and its evaluators read it back with `ast.literal_eval`). Never evals.
 *
 * Reads what `ast.literal_eval` reads for: strings (both quote kinds, triple quotes, `r`/`u`
 * prefixes, escapes, adjacent strings joined), ints and floats (with `_`, hex, octal, binary, a
 * leading `+`/`-`), `True`, `False`, `None`, lists, tuples (as arrays) and dicts with string or
 * number keys (as objects). Anything else (names, calls, sets, bytes, complex numbers, f-strings)
 * is not a literal here: the result is `undefined`.
 */
export function parsePythonLiteral(text: string): { value: unknown } | undefined {
  try {
    // Python reads "\r\n" and a lone "\r" as "\n" (in triple-quoted strings too).
    return { value: new Reader(text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text).top() };
  } catch (error) {
    if (error instanceof NotALiteral) return undefined;
    throw error;
  }
}

class NotALiteral extends Error {}

type Kind = "number" | "other";

const simpleEscapes: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\n": "" };
// Sticky patterns, matched where the reader is (no copies of the rest of the text).
const wordPattern = /[A-Za-z_]\w*/y;
const stringStartPattern = /[rRuU]?['"]/y;
const octalPattern = /[0-7]{0,2}/y;
const numberPattern =
  /(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*[eE][+-]?\d(?:_?\d)*|[1-9](?:_?\d)*|0(?:_?0)*)/y;

class Reader {
  private at = 0;
  constructor(private readonly text: string) {}

  /** The whole text: one expression, or a bare tuple (`1, 2`); newlines only around it. */
  top(): unknown {
    while (this.peek() === " " || this.peek() === "\t") this.at++; // ast.literal_eval strips these first
    this.lines();
    const items = [this.expression(0).value];
    let tuple = false;
    this.space(false);
    while (this.peek() === ",") {
      tuple = true;
      this.at++;
      this.space(false);
      if (this.done() || this.peek() === "\n" || this.peek() === "#") break;
      items.push(this.expression(0).value);
      this.space(false);
    }
    if (this.peek() === "#") while (!this.done() && this.peek() !== "\n") this.at++;
    if (this.peek() === "\n") {
      this.at++;
      this.lines();
    }
    if (!this.done()) this.fail();
    return tuple ? items : items[0];
  }

  /**
   * Blank and comment lines outside brackets, up to the first character of a line with content (or
   * the end). That line must not be indented: Python raises IndentationError (a form feed sets the
   * column back to 0, and a line of spaces at the very end counts as indented).
   */
  private lines(): void {
    for (;;) {
      let column = 0;
      for (let char = this.peek(); char === " " || char === "\t" || char === "\f" || char === "\\"; char = this.peek()) {
        if (char !== "\\") column = char === "\f" ? 0 : column + 1;
        else if (this.text[this.at + 1] !== "\n") break;
        else if (this.at + 2 >= this.text.length)
          this.fail(); // a line continued into the end of the text
        else this.at++; // a line continuation
        this.at++;
      }
      if (this.peek() === "#") while (!this.done() && this.peek() !== "\n") this.at++;
      else if (this.peek() !== "\n") {
        if (column > 0) this.fail();
        this.space(false);
        return;
      }
      if (this.done()) return;
      this.at++;
    }
  }

  private expression(depth: number): { value: unknown; kind: Kind } {
    const sign = this.peek();
    if (sign === "-" || sign === "+") {
      this.at++;
      this.space(depth > 0);
      const operand = this.atom(depth);
      if (operand.kind !== "number") this.fail();
      return { value: sign === "-" ? -(operand.value as number) : operand.value, kind: "other" };
    }
    return this.atom(depth);
  }

  private atom(depth: number): { value: unknown; kind: Kind } {
    const char = this.peek();
    if (char === "[") return { value: this.sequence("]", depth), kind: "other" };
    if (char === "{") return { value: this.dict(depth), kind: "other" };
    if (char === "(") return this.parenthesised(depth);
    if (char !== undefined && /[0-9.]/.test(char)) return { value: this.number(), kind: "number" };
    const word = this.match(wordPattern);
    if (word !== undefined) {
      const next = this.text[this.at + word.length];
      if ((next === "'" || next === '"') && /^[rRuU]$/.test(word)) return { value: this.strings(depth), kind: "other" };
      this.at += word.length;
      if (word === "True") return { value: true, kind: "other" };
      if (word === "False") return { value: false, kind: "other" };
      if (word === "None") return { value: null, kind: "other" };
      this.fail();
    }
    if (char === "'" || char === '"') return { value: this.strings(depth), kind: "other" };
    this.fail();
  }

  private sequence(close: string, depth: number): unknown[] {
    this.open(depth);
    this.space(true);
    return this.items(close, depth);
  }

  /** Reads an opening bracket: Python's parser takes 200 nested at most ("too many nested parentheses"). */
  private open(depth: number): void {
    if (depth >= 200) this.fail();
    this.at++;
  }

  /** Items up to `close`, with an optional trailing comma; the opener is already read. */
  private items(close: string, depth: number): unknown[] {
    const items: unknown[] = [];
    while (this.peek() !== close) {
      items.push(this.expression(depth + 1).value);
      this.space(true);
      if (this.peek() === ",") {
        this.at++;
        this.space(true);
      } else if (this.peek() !== close) this.fail();
    }
    this.at++;
    return items;
  }

  /** `()` and `(a, ...)` are tuples; `(a)` is `a`. */
  private parenthesised(depth: number): { value: unknown; kind: Kind } {
    this.open(depth);
    this.space(true);
    if (this.peek() === ")") {
      this.at++;
      return { value: [], kind: "other" };
    }
    const first = this.expression(depth + 1);
    this.space(true);
    if (this.peek() === ")") {
      this.at++;
      return first;
    }
    if (this.peek() !== ",") this.fail();
    this.at++;
    this.space(true);
    return { value: [first.value, ...this.items(")", depth)], kind: "other" };
  }

  private dict(depth: number): Record<string, unknown> {
    this.open(depth);
    const entries: Record<string, unknown> = {};
    this.space(true);
    while (this.peek() !== "}") {
      const key = this.expression(depth + 1).value;
      if (typeof key !== "string" && typeof key !== "number") this.fail();
      this.space(true);
      if (this.peek() !== ":") this.fail();
      this.at++;
      this.space(true);
      // defineProperty, not assignment: a "__proto__" key is data, never the prototype.
      Object.defineProperty(entries, String(key), { value: this.expression(depth + 1).value, enumerable: true, writable: true, configurable: true });
      this.space(true);
      if (this.peek() === ",") {
        this.at++;
        this.space(true);
      } else if (this.peek() !== "}") this.fail();
    }
    this.at++;
    return entries;
  }

  private number(): number {
    const match = this.match(numberPattern);
    if (!match) this.fail();
    this.at += match.length;
    if (/^[\w.]/.test(this.text[this.at] ?? "")) this.fail(); // 01, 1abc, 1j (complex), 1.2.3
    const digits = match.replaceAll("_", "");
    if (/^0[xXoObB]/.test(digits)) return Number(BigInt(digits));
    // Python reads no decimal integer of more than 4,300 digits (sys.get_int_max_str_digits()).
    if (digits.length > 4300 && /^[1-9]\d*$/.test(digits)) this.fail();
    return Number(digits);
  }

  /** One or more adjacent string literals, joined as Python joins them. */
  private strings(depth: number): string {
    let value = this.string();
    for (;;) {
      const save = this.at;
      this.space(depth > 0);
      const prefix = this.match(stringStartPattern);
      if (!prefix) {
        this.at = save;
        return value;
      }
      value += this.string();
    }
  }

  private string(): string {
    let raw = false;
    if (/[rRuU]/.test(this.peek() ?? "")) {
      raw = /[rR]/.test(this.peek()!);
      this.at++;
    }
    const quote = this.peek()!;
    const triple = this.text.startsWith(quote.repeat(3), this.at);
    const close = triple ? quote.repeat(3) : quote;
    this.at += close.length;
    let value = "";
    for (;;) {
      if (this.done()) this.fail();
      if (this.text.startsWith(close, this.at)) {
        this.at += close.length;
        return value;
      }
      const char = this.text[this.at]!;
      if (char === "\n" && !triple) this.fail();
      if (char !== "\\") {
        value += char;
        this.at++;
      } else if (raw) {
        const next = this.text[this.at + 1];
        if (next === undefined) this.fail();
        value += char + next;
        this.at += 2;
      } else value += this.escape();
    }
  }

  private escape(): string {
    const next = this.text[this.at + 1];
    if (next === undefined) this.fail();
    this.at += 2;
    if (next in simpleEscapes) return simpleEscapes[next]!;
    if (next === "\r" && this.text[this.at] === "\n") return (this.at++, "");
    if (/[0-7]/.test(next)) {
      const digits = next + (this.match(octalPattern) ?? "");
      this.at += digits.length - 1;
      return String.fromCodePoint(parseInt(digits, 8));
    }
    const width = { x: 2, u: 4, U: 8 }[next];
    if (width !== undefined) {
      const hex = this.text.slice(this.at, this.at + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) this.fail();
      this.at += width;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) this.fail();
      return String.fromCodePoint(code);
    }
    if (next === "N") this.fail(); // \N{name}: no Unicode name table here
    return `\\${next}`; // Python keeps an unknown escape as it is
  }

  /** Spaces, tabs, comments and line continuations; newlines too inside brackets. */
  private space(newlines: boolean): void {
    for (;;) {
      const char = this.peek();
      if (char === " " || char === "\t" || char === "\f" || (newlines && (char === "\n" || char === "\r"))) this.at++;
      else if (char === "\\" && this.text[this.at + 1] === "\n") {
        this.at += 2;
        if (this.done()) this.fail(); // a line continued into the end of the text
      } else if (char === "#" && newlines) while (!this.done() && this.peek() !== "\n") this.at++;
      else return;
    }
  }

  /** What a sticky pattern matches at the reader's position (the position does not move). */
  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.at;
    return pattern.exec(this.text)?.[0];
  }

  private peek(): string | undefined {
    return this.text[this.at];
  }

  private done(): boolean {
    return this.at >= this.text.length;
  }

  private fail(): never {
    throw new NotALiteral();
  }
}
