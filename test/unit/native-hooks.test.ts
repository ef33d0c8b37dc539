import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { inModulePackage, tsxStyleTarget } from "../../src/discovery/native-hooks.js";
import { tempDir, writeFiles } from "../helpers/cli.js";

const made: (() => void)[] = [];
afterEach(() => {
  for (const remove of made.splice(0)) remove();
});

function folder(files: Record<string, string>): { dir: string; from: string } {
  const { dir, remove } = tempDir();
  made.push(remove);
  writeFiles(dir, { "task.ts": "", ...files });
  return { dir, from: pathToFileURL(join(dir, "task.ts")).href };
}

const url = (dir: string, file: string) => pathToFileURL(join(dir, file)).href;

describe("tsxStyleTarget: the file tsx would load for an import Node cannot resolve", () => {
  it("adds the one extension that fits an extensionless import", () => {
    const { dir, from } = folder({ "_corpus.ts": "", "lib/words.mts": "", "plain.js": "" });
    expect(tsxStyleTarget("./_corpus", from)).toBe(url(dir, "_corpus.ts"));
    expect(tsxStyleTarget("./lib/words", from)).toBe(url(dir, "lib/words.mts"));
    expect(tsxStyleTarget("./plain", from)).toBe(url(dir, "plain.js"));
  });

  it("maps a .js or .mjs import to the TypeScript file beside it", () => {
    const { dir, from } = folder({ "greet.ts": "", "words.mts": "" });
    expect(tsxStyleTarget("./greet.js", from)).toBe(url(dir, "greet.ts"));
    expect(tsxStyleTarget("./words.mjs", from)).toBe(url(dir, "words.mts"));
  });

  it("leaves to tsx what is not one plain file: two candidates, a folder's index, .tsx, JSON, a bare or query import", () => {
    const { from } = folder({ "both.ts": "", "both.js": "", "dir/index.ts": "", "view.tsx": "", "data.json": "{}", "jsx.ts": "", "jsx.tsx": "", "q.ts": "" });
    expect(tsxStyleTarget("./both", from)).toBeNull();
    expect(tsxStyleTarget("./dir", from)).toBeNull();
    expect(tsxStyleTarget("./view", from)).toBeNull();
    expect(tsxStyleTarget("./data", from)).toBeNull();
    expect(tsxStyleTarget("./jsx.js", from)).toBeNull();
    expect(tsxStyleTarget("./missing", from)).toBeNull();
    expect(tsxStyleTarget("lodash", from)).toBeNull();
    expect(tsxStyleTarget("./q?x=1", from)).toBeNull();
    expect(tsxStyleTarget("./q", "node:internal")).toBeNull();
  });
});

describe("inModulePackage: files Node and tsx both load as ES modules", () => {
  it("holds for a 'type: module' package and for .mts/.mjs files, not for a CommonJS package or none", () => {
    const esm = folder({ "package.json": `{ "type": "module" }`, "a.ts": "" });
    const cjs = folder({ "package.json": `{ "name": "x" }`, "a.ts": "", "b.mts": "" });
    expect(inModulePackage(url(esm.dir, "a.ts"))).toBe(true);
    expect(inModulePackage(url(cjs.dir, "a.ts"))).toBe(false);
    expect(inModulePackage(url(cjs.dir, "b.mts"))).toBe(true);
  });
});
