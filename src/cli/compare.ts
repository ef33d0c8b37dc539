import { pc } from "../colour.js";
import { ExitCode } from "../errors.js";
import { BaselineComparison } from "../judge/baseline.js";
import { openRun, runMeans } from "../runs/open-run.js";
import type { CompareFlags } from "./runs-options.js";

/**
 * `evalwire compare A B`: per evaluator, sorted by name, `  name: a → b  (+delta)` (an evaluator
 * missing on one side counts 0, as the Python evalwire), then the task calls that regressed and
 * were fixed going from A to B (§14, by the default pass bar).
 */
export async function compareCommand(a: string, b: string, flags: CompareFlags): Promise<number> {
  const [before, after] = await Promise.all([openRun(a, flags), openRun(b, flags)]);
  const comparison = await BaselineComparison.load(before, { evaluators: {} });
  for await (const result of after.results()) comparison.add(result);
  const [{ means: meansA }, { means: meansB }] = await Promise.all([runMeans(before), runMeans(after)]);
  const report = comparison.report(meansB);
  const lines: string[] = [];
  for (const name of [...new Set([...Object.keys(meansA), ...Object.keys(meansB)])].sort()) {
    const x = meansA[name] ?? 0;
    const y = meansB[name] ?? 0;
    const delta = y - x;
    lines.push(`  ${name}: ${x.toFixed(4)} → ${y.toFixed(4)}  (${delta >= 0 ? "+" : "-"}${Math.abs(delta).toFixed(4)})`);
  }
  lines.push(`  regressed: ${report.regressed}  fixed: ${report.fixed}  new: ${report.new}  missing: ${report.missing}`);
  if (report.regressedIds.length > 0) lines.push(`  regressed examples: ${report.regressedIds.join(", ")}${report.regressed > report.regressedIds.length ? ", …" : ""}`);
  if (report.fixedIds.length > 0) lines.push(`  fixed examples: ${report.fixedIds.join(", ")}${report.fixed > report.fixedIds.length ? ", …" : ""}`);
  process.stdout.write(`${lines.join("\n")}\n`);
  // Two experiments' runs share no task call: every figure above compares nothing with nothing.
  if (before.experiment !== null && after.experiment !== null && before.experiment !== after.experiment) {
    process.stderr.write(`${pc.yellow("warning:")} ${before.name} is a run of ${before.experiment}, ${after.name} of ${after.experiment}: compare two runs of one experiment\n`);
  }
  return ExitCode.ok;
}
