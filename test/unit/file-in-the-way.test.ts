import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileInTheWay } from "../../src/file-in-the-way.js";
import { tempDir, writeFiles } from "../helpers/cli.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

describe("fileInTheWay", () => {
  const project = () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    return writeFiles(dir, { "runs-file": "", "sub/keep": "" });
  };

  it("is null for a folder, or a path still to be made below one", () => {
    const dir = project();
    expect(fileInTheWay(join(dir, "sub"))).toBeNull();
    expect(fileInTheWay(join(dir, "sub", "new", "deeper"))).toBeNull();
  });

  it("names the path itself when it is a file", () => {
    const dir = project();
    expect(fileInTheWay(join(dir, "runs-file"))).toBe(join(dir, "runs-file"));
  });

  it("names the file among its parents that stops mkdir -p", () => {
    const dir = project();
    expect(fileInTheWay(join(dir, "sub", "keep", "runs"))).toBe(join(dir, "sub", "keep"));
  });
});
