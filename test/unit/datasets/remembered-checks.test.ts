import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openJsonlFile } from "../../../src/datasets/jsonl-file.js";
import { RememberedChecks } from "../../../src/datasets/remembered-checks.js";
import { DatasetError } from "../../../src/errors.js";
import { tempDir } from "../../helpers/cli.js";
import { thrownMessage } from "../../helpers/errors.js";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});

function folder(): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  return dir;
}

describe("checks of JSONL files remembered by content hash", () => {
  it("remembers a file's check and uses it for the same bytes, not for other bytes", () => {
    const dir = folder();
    const file = join(dir, "dataset.jsonl");
    writeFileSync(file, '{"input":{"q":1}}\n{"input":{"q":1}}\n{"id":"x","input":{},"output":{"rubric":"r"}}\n');
    const checks = new RememberedChecks(join(dir, "checks"), 0);
    const first = openJsonlFile(file, "d", checks);
    const [kept] = readdirSync(join(dir, "checks"));
    expect(kept).toMatch(new RegExp(`^${first.version.slice(7)}-evalwire-.+\\.json$`));
    const record = JSON.parse(readFileSync(join(dir, "checks", kept!), "utf8"));
    expect(record).toEqual({ length: 3, renamed: [[2, `${[...first.examples][0]!.id}-2`]], outputKeys: ["rubric"] });

    // A remembered check is what the next open uses: here one that says 2 examples, no keys.
    writeFileSync(join(dir, "checks", kept!), JSON.stringify({ ...record, length: 2, outputKeys: [] }));
    const again = openJsonlFile(file, "d", checks);
    expect(again.examples.length).toBe(2);
    expect(again.examples.outputKeys).toEqual(new Set());
    // Other bytes are checked anew.
    writeFileSync(file, '{"id":"a","input":{}}\n');
    expect(openJsonlFile(file, "d", checks).examples.length).toBe(1);
  });

  it("remembers nothing for a file smaller than its threshold", () => {
    const dir = folder();
    const file = join(dir, "dataset.jsonl");
    writeFileSync(file, '{"id":"a","input":{}}\n');
    openJsonlFile(file, "d", new RememberedChecks(join(dir, "checks"), 1024));
    expect(() => readdirSync(join(dir, "checks"))).toThrow(/ENOENT/);
  });

  it("checks again when the record cannot be read, and remembers nothing for a bad file", () => {
    const dir = folder();
    const file = join(dir, "dataset.jsonl");
    writeFileSync(file, '{"id":"a","input":{}}\n{"id":"b","input":{}}\n');
    const checks = new RememberedChecks(join(dir, "checks"), 0);
    const { version } = openJsonlFile(file, "d", checks);
    const [kept] = readdirSync(join(dir, "checks"));
    writeFileSync(join(dir, "checks", kept!), "{not json");
    expect(openJsonlFile(file, "d", checks).examples.length).toBe(2);
    expect(JSON.parse(readFileSync(join(dir, "checks", kept!), "utf8")).length).toBe(2);

    writeFileSync(file, '{"id":"a","input":{}}\n{"id":"a","input":{}}\n');
    expect(thrownMessage(() => openJsonlFile(file, "d", checks), DatasetError)).toMatch(/duplicate id "a"/);
    expect(readdirSync(join(dir, "checks")).filter((name) => !name.startsWith(version.slice(7)))).toEqual([]);
  });
});
