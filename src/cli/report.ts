import { resolve } from "node:path";
import { isDiskFull } from "../disk-full.js";
import { EvalwireError, ExitCode, firstLine, UsageError } from "../errors.js";
import { callPasses } from "../judge/baseline.js";
import { gateLabel, number } from "../judge/gate.js";
import { ScoreMeans } from "../judge/score-means.js";
import { checkOutputPath } from "../report/spec.js";
import { writeReportFile } from "../report/write-file.js";
import { openRun } from "../runs/open-run.js";
import { shownPath } from "../shown-path.js";
import { requireRun } from "./export.js";
import type { ReportFlags } from "./runs-options.js";

const listed = 50;

/**
 * `evalwire report RUN`: markdown that begins with the Python evalwire's lines (title, total runs,
 * mean per evaluator), then errors, the gates the run recorded, and the task calls that failed.
 */
export async function reportCommand(ref: string | undefined, flags: ReportFlags): Promise<number> {
  const id = requireRun(ref, flags.experiment, "report");
  const run = await openRun(id, flags);
  const bar = (name: string) => run.passBars[name] ?? 1;
  const scores = new ScoreMeans(run.evaluators);
  const errors: string[] = [];
  const failed: string[] = [];
  let total = 0;
  let errorCount = 0;
  let failedCount = 0;
  for await (const result of run.results()) {
    total++;
    const at = result.repetition > 1 ? `${result.exampleId} (repetition ${result.repetition})` : result.exampleId;
    const problems = [...(result.error !== null ? [`task: ${result.error}`] : []), ...result.evaluations.filter((e) => e.error !== null).map((e) => `${e.name}: ${e.error}`)];
    errorCount += problems.length;
    for (const problem of problems) if (errors.length < listed) errors.push(`- \`${at}\`: ${oneLine(problem)}`);
    scores.add(result.evaluations);
    if (problems.length === 0 && !callPasses(result, bar)) {
      failedCount++;
      const scores = result.evaluations.map((e) => `${e.name} ${e.score !== null ? number(e.score) : (e.label ?? "–")}`).join(", ");
      if (failed.length < listed) failed.push(`- \`${at}\`: ${scores}`);
    }
  }

  // A local run is titled by its name, however it was given (a folder path too); a Phoenix experiment by its id, as the Python evalwire did.
  const title = /^https?:\/\//.test(run.location) ? id : run.name;
  const lines = [`# Experiment Report: ${title}`, "", `**Total runs:** ${total}`, ""];
  if (run.shard) {
    const { shard, runId } = run.shard;
    lines.push(`**Shard:** shard ${shard}${runId ? ` of run id ${runId}` : ""}, a part of the run: \`evalwire merge\` its shards for the whole run's report and gates.`, "");
  }
  if (run.unfinished) {
    const { status, planned } = run.unfinished;
    lines.push(`**Unfinished:** the run is ${status}, with ${total} of its ${planned} planned task calls recorded (finish it: \`evalwire run --resume ${run.name}\`).`, "");
  }
  lines.push("## Evaluator Scores", "");
  for (const [name, mean] of Object.entries(scores.means()).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) lines.push(`- **${name}**: ${mean !== null ? mean.toFixed(4) : "n/a"}`);
  lines.push("", `## Errors`, "", errorCount === 0 ? "None." : `${errorCount} error${errorCount === 1 ? "" : "s"}:`);
  if (errorCount > 0) lines.push("", ...errors, ...(errorCount > errors.length ? [`- … and ${errorCount - errors.length} more`] : []));
  lines.push("", "## Gates", "");
  if (run.gates.length === 0) lines.push("None recorded.");
  else lines.push("| gate | actual | bar | verdict |", "|---|---:|---:|---|", ...run.gates.map((g) => `| ${gateLabel(g)} | ${number(g.actual)} | ${number(g.bar)} | ${g.verdict} |`));
  lines.push("", "## Failed Examples", "", failedCount === 0 ? "None." : `${failedCount} task call${failedCount === 1 ? "" : "s"} below the pass bar:`);
  if (failedCount > 0) lines.push("", ...failed, ...(failedCount > failed.length ? [`- … and ${failedCount - failed.length} more`] : []));
  const text = `${lines.join("\n")}\n`;

  if (flags.output === undefined) process.stdout.write(text);
  else {
    const output = resolve(flags.output);
    checkOutputPath(output, "--output");
    try {
      writeReportFile(output, text);
    } catch (error) {
      // A full disk is no fault of the path: the report failed (exit 1), as export's rows do.
      if (isDiskFull(error)) throw new EvalwireError(`cannot write ${shownPath(output)}: ${firstLine(error)}`);
      throw new UsageError(`--output ${shownPath(output)}: cannot write it (${firstLine(error)})`);
    }
    process.stdout.write(`Wrote the report of ${run.name} to ${shownPath(output)}\n`);
  }
  return ExitCode.ok;
}

function oneLine(text: string): string {
  return text.split("\n")[0]!.trim();
}
