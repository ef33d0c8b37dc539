// Examples uploaded with ids of their own (the Phoenix UI and clients allow it): the task sees that
// id, and the runs are still recorded, against the example's node id (Phoenix answers 500 otherwise).
import { expect, it } from "vitest";
import { describeRun, evalwire, experimentJson, makeExperiments, phoenixLink, readResults, runDirFor, uniqueName, useTempDirs } from "./_support.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();

describePhoenix("evalwire run against Phoenix: examples with ids of their own", () => {
  it("records every run of a dataset whose examples were uploaded with ids", async () => {
    const url = phoenix().url;
    const name = uniqueName("own_ids");
    const ids = ["q-1", "q-2", "q-3"];
    const upload = await fetch(`${url}/v1/datasets/upload?sync=true`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        action: "create",
        name,
        inputs: ids.map((_, i) => ({ n: i + 1 })),
        outputs: ids.map((_, i) => ({ answer: 2 * (i + 1) })),
        metadata: ids.map(() => ({})),
        example_ids: ids,
      }),
    });
    expect(upload.status).toBe(200);

    const cwd = temp();
    const r = await evalwire(["run", "--experiments", makeExperiments(cwd, [{ folder: name }])], cwd, url);
    expect(r.code, describeRun(r)).toBe(0);

    const runDir = runDirFor(cwd, name);
    const local = readResults(runDir);
    expect(local.map((result) => result.exampleId).sort()).toEqual(ids);
    const server = await experimentJson(url, phoenixLink(runDir).experimentId);
    expect(server).toHaveLength(3);
    expect(server.map((run) => run.output).sort((a: any, b: any) => a.answer - b.answer)).toEqual([
      { answer: 2, repetition: 1 },
      { answer: 4, repetition: 1 },
      { answer: 6, repetition: 1 },
    ]);
    expect(server.flatMap((run) => run.annotations.map((annotation) => annotation.name)).sort()).toEqual(["doubled", "doubled", "doubled", "graded", "graded", "graded"]);
  });
});
