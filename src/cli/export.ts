import { createWriteStream, openSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { finished } from "node:stream/promises";
import { stringify } from "csv-stringify";
import { EvalwireError, ExitCode, firstLine, UsageError } from "../errors.js";
import { makeFolder } from "../make-folder.js";
import { checkOutputPath } from "../report/spec.js";
import { openRun } from "../runs/open-run.js";
import type { RecordedResult } from "../runs/recorded-run.js";
import { shownPath } from "../shown-path.js";
import type { ExportFlags } from "./runs-options.js";

/**
 * `evalwire export RUN`: one row per task call (example_id, repetition, output, error, then a score
 * column per evaluator), as CSV or JSON, to a file or stdout. Rows stream: a run larger than memory exports.
 */
export async function exportCommand(ref: string | undefined, flags: ExportFlags): Promise<number> {
  const run = await openRun(requireRun(ref, flags.experiment, "export"), flags);
  const output = flags.output !== undefined ? resolve(flags.output) : null;
  const format = flags.format ?? (output && extname(output).toLowerCase() === ".json" ? "json" : "csv");
  const sink = output ? createWriteStream(output, { fd: openOutput(output) }) : process.stdout;
  // Listened to from the start: a write that fails later (a full disk) is reported, not thrown from an event.
  const written = output ? finished(sink) : null;
  const columns = ["example_id", "repetition", "output", "error", ...run.evaluators];
  let rows = 0;
  if (format === "csv") {
    const csv = stringify({ header: true, columns });
    csv.pipe(sink);
    for await (const result of run.results()) {
      rows++;
      const row = exportRow(result, run.evaluators);
      if (!csv.write({ ...row, output: row.output === null || typeof row.output === "string" ? row.output : JSON.stringify(row.output) })) await new Promise((wake) => csv.once("drain", wake));
    }
    csv.end();
    // The pipe ends a file when the CSV ends; stdout is never ended.
    await (written ? wrote(written, output!) : finished(csv));
  } else {
    sink.write("[");
    for await (const result of run.results()) sink.write(`${rows++ === 0 ? "\n" : ",\n"}  ${JSON.stringify(exportRow(result, run.evaluators))}`);
    sink.write(rows > 0 ? "\n]\n" : "]\n");
    if (written) {
      sink.end();
      await wrote(written, output!);
    }
  }
  if (output) {
    process.stdout.write(`Exported ${rows} runs of ${run.name} to ${shownPath(output)}\n`);
  }
  return ExitCode.ok;
}

/** The output file, opened before any row is written: a path that cannot be written is a usage error naming it. */
function openOutput(output: string): number {
  checkOutputPath(output, "--output");
  try {
    makeFolder(dirname(output));
    return openSync(output, "w");
  } catch (error) {
    throw new UsageError(`--output ${shownPath(output)}: cannot write it (${firstLine(error)})`);
  }
}

async function wrote(written: Promise<void>, output: string): Promise<void> {
  try {
    await written;
  } catch (error) {
    throw new EvalwireError(`cannot write ${shownPath(output)}: ${firstLine(error)}`);
  }
}

/** One task call as a row: the score of each evaluator by name, null when it errored or gave none. */
export function exportRow(result: RecordedResult, evaluators: string[]): Record<string, unknown> {
  const row: Record<string, unknown> = { example_id: result.exampleId, repetition: result.repetition, output: result.output, error: result.error };
  for (const name of evaluators) row[name] = result.evaluations.find((e) => e.name === name)?.score ?? null;
  return row;
}

/** RUN, or the Python evalwire's `--experiment ID`. */
export function requireRun(ref: string | undefined, experiment: string | undefined, command: string): string {
  if (ref !== undefined && experiment !== undefined && ref !== experiment) throw new UsageError(`${command}: give the run once, as RUN or as --experiment (got both: ${ref}, ${experiment})`);
  const run = ref ?? experiment;
  if (run === undefined) throw new UsageError(`${command} needs a run: a run folder, a run name in the runs folder, or a Phoenix experiment id (see evalwire ${command} --help)`);
  return run;
}
