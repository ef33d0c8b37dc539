import { closeSync, createReadStream, existsSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { ExperimentInfo, RunListener } from "../engine/events.js";
import { readLines } from "../read-lines.js";
import { parseResult } from "../sinks/run-folder.js";
import type { Example, ExampleResult, ExperimentResult } from "../types.js";

/** One spooled task call: the result, and the example's input and expected output when the engine passed them. */
export interface SpooledResult {
  result: ExampleResult;
  input?: Record<string, unknown>;
  expected?: Record<string, unknown>;
}

/**
 * Keeps every result of the run in temporary files (one per experiment) for the reporters that
 * list task calls (JUnit, HTML): memory stays flat however large the run, and they read the
 * results back one at a time. Removed by close(). A resumed run's results recorded before it
 * stopped, and those a --retry-errors run carries, were never heard of here: they are read back
 * from the head of the run's results.jsonl, where the run store wrote them before any new one.
 */
export class ResultSpool implements RunListener {
  private dir: string | null = null;
  private readonly files = new Map<string, { fd: number; path: string; count: number }>();
  /** Per experiment, the run folder and how many of its first results this process did not make. */
  private readonly earlier = new Map<string, { runPath: string; count: number }>();

  onResult(info: ExperimentInfo, result: ExampleResult, example?: Example): void {
    let file = this.files.get(info.experiment);
    if (!file) {
      this.dir ??= mkdtempSync(join(tmpdir(), "evalwire-report-"));
      const path = join(this.dir, `${this.files.size}.jsonl`);
      file = { fd: openSync(path, "w"), path, count: 0 };
      this.files.set(info.experiment, file);
    }
    const line: SpooledResult = { result, ...(example ? { input: example.input, expected: example.output } : {}) };
    writeSync(file.fd, `${JSON.stringify(line)}\n`);
    file.count++;
  }

  onExperimentEnd(result: ExperimentResult): void {
    const heard = this.files.get(result.experiment)?.count ?? 0;
    if (result.runPath && result.completed > heard) this.earlier.set(result.experiment, { runPath: result.runPath, count: result.completed - heard });
  }

  /** The experiment's results: those recorded before this process (see above), then the others in the order they finished. */
  async *read(experiment: string): AsyncIterable<SpooledResult> {
    const earlier = this.earlier.get(experiment);
    if (earlier) yield* recordedBefore(earlier.runPath, earlier.count);
    const file = this.files.get(experiment);
    if (!file) return;
    const lines = createInterface({ input: createReadStream(file.path, "utf8"), crlfDelay: Infinity });
    for await (const line of lines) if (line !== "") yield JSON.parse(line) as SpooledResult;
  }

  close(): void {
    for (const { fd } of this.files.values()) closeSync(fd);
    this.files.clear();
    this.earlier.clear();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

/** The first `count` results of a run folder's results.jsonl (an unreadable line is left out, as a resume leaves it out). */
function* recordedBefore(runPath: string, count: number): Iterable<SpooledResult> {
  const file = join(runPath, "results.jsonl");
  if (count <= 0 || !existsSync(file)) return;
  let left = count;
  for (const line of readLines(file)) {
    const result = line.text.trim() === "" ? null : parseResult(line.text);
    if (!result) continue;
    yield { result };
    if (--left === 0) return;
  }
}
