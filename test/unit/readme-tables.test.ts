import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

/**
 * A Markdown table starts with a header row and its `| --- |` line; rows after a blank line start a
 * new "table" with no header, which renders as a paragraph of pipes. Code blocks are left out.
 */
it("every table in README.md starts with a header and its separator line (no row stranded after a blank line)", () => {
  const lines = readFileSync(new URL("../../README.md", import.meta.url), "utf8").split("\n");
  const stranded: string[] = [];
  let inCode = false;
  lines.forEach((line, index) => {
    if (line.startsWith("```")) inCode = !inCode;
    if (inCode || !line.startsWith("|")) return;
    const startsTable = !(lines[index - 1] ?? "").startsWith("|");
    if (startsTable && !/^\|[\s:|-]+\|$/.test(lines[index + 1] ?? "")) stranded.push(`README.md:${index + 1}: ${line.slice(0, 60)}`);
  });
  expect(stranded).toEqual([]);
});
