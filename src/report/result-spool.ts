import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { ExperimentInfo, RunListener } from "../engine/events.js";
import type { Example, ExampleResult } from "../types.js";

/** One spooled task call: the result, and the example's input and expected output when the engine passed them. */
export interface SpooledResult {
  result: ExampleResult;
  input?: Record<string, unknown>;
  expected?: Record<string, unknown>;
}

/**
 * Keeps every result of the run in temporary files (one per experiment) for the reporters that
 * list task calls (JUnit, HTML): memory stays flat however large the run, and they read the
 * results back one at a time. Removed by close().
 */
export class ResultSpool implements RunListener {
  private dir: string | null = null;
  private readonly files = new Map<string, { fd: number; path: string }>();

  onResult(info: ExperimentInfo, result: ExampleResult, example?: Example): void {
    let file = this.files.get(info.experiment);
    if (!file) {
      this.dir ??= mkdtempSync(join(tmpdir(), "evalwire-report-"));
      const path = join(this.dir, `${this.files.size}.jsonl`);
      file = { fd: openSync(path, "w"), path };
      this.files.set(info.experiment, file);
    }
    const line: SpooledResult = { result, ...(example ? { input: example.input, expected: example.output } : {}) };
    writeSync(file.fd, `${JSON.stringify(line)}\n`);
  }

  /** The experiment's results, in the order they finished. */
  async *read(experiment: string): AsyncIterable<SpooledResult> {
    const file = this.files.get(experiment);
    if (!file) return;
    const lines = createInterface({ input: createReadStream(file.path, "utf8"), crlfDelay: Infinity });
    for await (const line of lines) if (line !== "") yield JSON.parse(line) as SpooledResult;
  }

  close(): void {
    for (const { fd } of this.files.values()) closeSync(fd);
    this.files.clear();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
