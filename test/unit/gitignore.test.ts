import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ignoreRunStore } from "../../src/cli/gitignore.js";
import { tempDir, writeFiles } from "../helpers/cli.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

function gitignore(content?: string): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  if (content !== undefined) writeFiles(dir, { ".gitignore": content });
  return join(dir, ".gitignore");
}

describe("ignoreRunStore", () => {
  it("creates a .gitignore when there is none", () => {
    const file = gitignore();
    expect(ignoreRunStore(file)).toBe("created");
    expect(readFileSync(file, "utf8")).toBe(".evalwire/\n");
  });

  it.each([
    ["an empty file", "", ".evalwire/\n"],
    ["a file ending in a newline", "dist/\n", "dist/\n.evalwire/\n"],
    ["a file without a final newline", "dist/", "dist/\n.evalwire/\n"],
    ["a file naming a folder inside .evalwire only", ".evalwire/cache/\n", ".evalwire/cache/\n.evalwire/\n"],
  ])("appends to %s", (_what, before, after) => {
    const file = gitignore(before);
    expect(ignoreRunStore(file)).toBe("added");
    expect(readFileSync(file, "utf8")).toBe(after);
  });

  it.each([".evalwire", ".evalwire/", "/.evalwire", "/.evalwire/", "  .evalwire/  "])("leaves a file already holding %j alone, CRLF line ends included", (line) => {
    const content = `node_modules\r\n${line}\r\ndist\r\n`;
    const file = gitignore(content);
    expect(ignoreRunStore(file)).toBe("present");
    expect(readFileSync(file, "utf8")).toBe(content);
  });
});
