import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { describePhoenix, phoenix } from "./phoenix.js";
import { requirementsFile } from "./server.js";

const pinned = /^arize-phoenix==(\S+)$/m.exec(readFileSync(requirementsFile, "utf8"))?.[1];

describePhoenix("the shared Phoenix test server", () => {
  it("answers GET /healthz with OK", async () => {
    const response = await fetch(`${phoenix().url}/healthz`);
    expect(response.status).toBe(200);
    expect((await response.text()).trim()).toBe("OK");
  });

  it("runs the version pinned in requirements.txt", async () => {
    expect(pinned).toBeTruthy();
    const response = await fetch(`${phoenix().url}/arize_phoenix_version`);
    expect(response.status).toBe(200);
    expect((await response.text()).trim()).toBe(pinned);
  });
});
