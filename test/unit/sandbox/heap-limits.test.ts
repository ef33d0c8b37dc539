import { describe, expect, it } from "vitest";
import { oldSpaceSetMb } from "../../../src/sandbox/heap-limits.js";

describe("oldSpaceSetMb", () => {
  it("reads --max-old-space-size from NODE_OPTIONS, in either spelling, the last one given", () => {
    expect(oldSpaceSetMb([], "--max-old-space-size=200")).toBe(200);
    expect(oldSpaceSetMb([], "--enable-source-maps --max_old_space_size=300 --max-old-space-size 400")).toBe(400);
  });

  it("prefers node's command line to NODE_OPTIONS, as Node does", () => {
    expect(oldSpaceSetMb(["--max-old-space-size=512"], "--max-old-space-size=200")).toBe(512);
  });

  it("is null when nothing sets it, or what is given is not a size", () => {
    expect(oldSpaceSetMb([], "")).toBeNull();
    expect(oldSpaceSetMb(["--inspect"], "--max-old-space-size=lots")).toBeNull();
  });
});
