// Ctrl-C while a task blocks its worker for good, on the Phoenix backend: the results that ended
// just before it in its round are recorded in the run store and in Phoenix, and --resume finishes
// the run in the same experiment, each run recorded once.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { collect, fixtures, startCli } from "../helpers/cli.js";
import {
  describeRun,
  echoRows,
  evalwire,
  expectSameAsServer,
  experimentJson,
  makeExperiments,
  phoenixLink,
  readResults,
  readRun,
  runDirs,
  uniqueName,
  uploadDataset,
  useTempDirs,
  waitFor,
} from "./_support.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();

describePhoenix("Ctrl-C with a blocked worker against Phoenix", () => {
  it.each(["phoenix-blocks-in-round", "phoenix-async-blocks-in-round"])(
    "records the results that ended before the blocking call, locally and on the server; --resume runs only the rest (%s)",
    async (name) => {
      const url = phoenix().url;
      const dataset = uniqueName("blocked");
      await uploadDataset(url, dataset, echoRows(4));
      const cwd = temp();
      const experiments = makeExperiments(cwd, [{ folder: dataset, fixture: join(fixtures, name), toml: "example_concurrency = 4\n" }]);

      const child = startCli(["run", "--experiments", experiments, "--timeout", "0"], { cwd, env: { PHOENIX_HOST: url, BLOCK: "1" } });
      const done = collect(child);
      try {
        await waitFor(() => existsSync(join(cwd, "blocked-forever")), 60_000, "the task to block");
      } catch (error) {
        child.kill("SIGKILL");
        throw error;
      }
      child.kill("SIGINT");
      const r = await done;
      expect(r.code, describeRun(r)).toBe(130);
      const [runDir] = runDirs(cwd);
      expect(readRun(runDir!)).toMatchObject({ status: "interrupted", summary: { planned: 4, completed: 2 } });
      const local = readResults(runDir!);
      expect(local.map((result: any) => result.output.answer).sort()).toEqual([2, 4]);
      const { experimentId } = phoenixLink(runDir!);
      expect(expectSameAsServer(local, await experimentJson(url, experimentId)).runs).toBe(2);

      const resumed = await evalwire(["run", "--experiments", experiments, "--resume"], cwd, url);
      expect(resumed.code, describeRun(resumed)).toBe(0);
      const all = readResults(runDir!);
      expect(all.map((result: any) => result.output.answer).sort()).toEqual([2, 4, 6, 8]);
      expect(readRun(runDir!)).toMatchObject({ status: "passed", summary: { planned: 4, completed: 4 } });
      expect(phoenixLink(runDir!).experimentId).toBe(experimentId);
      expect(expectSameAsServer(all, await experimentJson(url, experimentId)).runs).toBe(4);
    },
  );
});
