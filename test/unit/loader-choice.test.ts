import { afterEach, describe, expect, it } from "vitest";
import { tsconfigAllowsNative } from "../../src/sandbox/loader-choice.js";
import { tempDir, writeFiles } from "../helpers/cli.js";

const made: (() => void)[] = [];
afterEach(() => {
  for (const remove of made.splice(0)) remove();
});

function withTsconfig(files: Record<string, string>): string {
  const { dir, remove } = tempDir();
  made.push(remove);
  writeFiles(dir, files);
  return dir;
}

describe("tsconfigAllowsNative: whether the tsconfig tsx would read leaves it giving what Node gives", () => {
  it("allows no tsconfig, one without options, and targets whose class fields are defined (ES2022 and later)", () => {
    expect(tsconfigAllowsNative(withTsconfig({ "package.json": "{}" }))).toBe(true);
    expect(tsconfigAllowsNative(withTsconfig({ "tsconfig.json": `{ "compilerOptions": { "strict": true } }` }))).toBe(true);
    expect(tsconfigAllowsNative(withTsconfig({ "tsconfig.json": `{ "compilerOptions": { "target": "ES2023" } }` }))).toBe(true);
    expect(tsconfigAllowsNative(withTsconfig({ "tsconfig.json": `{ "compilerOptions": { "target": "ES2020", "useDefineForClassFields": true } }` }))).toBe(true);
  });

  it("refuses path aliases, a baseUrl, class fields compiled as assignments, and a tsconfig it cannot read", () => {
    expect(tsconfigAllowsNative(withTsconfig({ "tsconfig.json": `{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }` }))).toBe(false);
    expect(tsconfigAllowsNative(withTsconfig({ "tsconfig.json": `{ "compilerOptions": { "baseUrl": "." } }` }))).toBe(false);
    expect(tsconfigAllowsNative(withTsconfig({ "tsconfig.json": `{ "compilerOptions": { "target": "ES2020" } }` }))).toBe(false);
    expect(tsconfigAllowsNative(withTsconfig({ "tsconfig.json": `{ "compilerOptions": { "useDefineForClassFields": false } }` }))).toBe(false);
    expect(tsconfigAllowsNative(withTsconfig({ "tsconfig.json": `{ "extends": "./missing.json" }` }))).toBe(false);
  });

  it("follows extends, as tsx does", () => {
    const dir = withTsconfig({ "base.json": `{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }`, "tsconfig.json": `{ "extends": "./base.json" }` });
    expect(tsconfigAllowsNative(dir)).toBe(false);
  });
});
