import { afterEach, expect } from "vitest";
import { discoverExperiments } from "../../src/discovery/discover.js";
import { WorkerSandbox } from "../../src/sandbox/worker-sandbox.js";
import { tempDir, writeFiles } from "./cli.js";

/**
 * Opens worker sandboxes on experiment folders written to temporary folders, closed and removed
 * after each test, which also fails when an error escaped a call.
 */
export function folderSandboxes(): (experiment: string, files: Record<string, string>, options: { timeoutMs: number; concurrency: number }) => Promise<WorkerSandbox> {
  const cleanup: (() => void)[] = [];
  const escaped: string[] = [];
  afterEach(() => {
    for (const remove of cleanup.splice(0)) remove();
    expect(escaped.splice(0), "errors that escaped a call").toEqual([]);
  });
  return async (experiment, files, { timeoutMs, concurrency }) => {
    const { dir, remove } = tempDir("evalwire-worker-sandbox-");
    cleanup.push(remove);
    writeFiles(dir, { ...Object.fromEntries(Object.entries(files).map(([name, text]) => [`${experiment}/${name}`, text])), [`${experiment}/dataset.jsonl`]: "" });
    const [folder] = discoverExperiments(dir);
    const sandbox = await WorkerSandbox.open(folder!, {
      timeoutMs,
      loadTimeoutMs: 0,
      concurrency,
      stop: new AbortController().signal,
      events: { onEscaped: (message) => escaped.push(message) },
    });
    cleanup.push(() => void sandbox.close());
    return sandbox;
  };
}
