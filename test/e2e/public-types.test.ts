import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, root } from "./_support.js";

// A project that imports evalwire and type-checks with strict true and skipLibCheck false checks
// every .d.ts file evalwire's public types bring in, a dependency's too. The consumer imports the
// built types (dist/) by the package's own name, as an installed evalwire is imported.
describe("evalwire's published types", () => {
  it("type-check in a consumer with strict true and skipLibCheck false, bringing in no @arizeai/phoenix-client types", () => {
    const project = fixture("types-consumer");
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    const checked = spawnSync(process.execPath, [tsc, "-p", project, "--listFiles"], { cwd: root, encoding: "utf8" });
    const errors = checked.stdout.split("\n").filter((line) => /error TS\d+/.test(line));
    expect(errors).toEqual([]);
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
    const files = checked.stdout.split("\n");
    const dist = join(realpathSync(root), "dist");
    // The consumer did load evalwire's built types, so the check above is about them.
    expect(files).toContain(join(dist, "index.d.ts"));
    expect(files).toContain(join(dist, "evaluators", "index.d.ts"));
    expect(files.filter((file) => file.includes("@arizeai/phoenix-client"))).toEqual([]);
  });
});
