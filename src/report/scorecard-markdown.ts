import type { RunInfo } from "../engine/events.js";
import { gateLabel, number } from "../judge/gate.js";
import { shownPath } from "../shown-path.js";
import { duration, errorCounts, plural, score } from "./format.js";
import type { ReportedExperiment } from "./reported.js";

const mark = { passed: "✅", failed: "❌", interrupted: "⏹️" } as const;
const verdictMark = { pass: "✅ pass", fail: "❌ fail", "not applied": "➖ not applied (partial run)" } as const;

/** The scorecard as markdown: what a PR comment or a GitHub step summary shows. */
export function markdownScorecard(results: readonly ReportedExperiment[], run: RunInfo): string {
  const failed = results.filter((r) => r.status === "failed");
  const title =
    failed.length > 0
      ? `❌ ${failed.length} of ${plural(results.length, "experiment")} failed`
      : results.some((r) => r.status === "interrupted")
        ? "⏹️ interrupted"
        : `✅ ${plural(results.length, "experiment")} passed`;
  const lines = [`## evalwire: ${title}${run.dryRun !== false ? " (dry run)" : ""}`, ""];

  lines.push("| | experiment | runs | errors | scores | time | recorded in |", "|---|---|---:|---:|---|---:|---|");
  for (const result of results) {
    const deltas = result.judgement?.baseline?.evaluators ?? {};
    const scores = Object.entries(result.evaluators)
      .map(([name, summary]) => `${name} ${score(summary.mean)}${signed(deltas[name]?.delta ?? null)}`)
      .join(", ");
    const runs = result.completed === result.planned ? String(result.completed) : `${result.completed}/${result.planned}`;
    const where = result.url ? `[Phoenix](${result.url})` : result.runPath ? `\`${shownPath(result.runPath)}\`` : "";
    lines.push(row([mark[result.status], result.experiment, runs, String(result.taskErrors + result.evaluatorErrors), scores || "–", duration(result.durationMs), where]));
  }

  const gates = results.flatMap((r) => r.judgement?.gates ?? []);
  if (gates.length > 0) {
    lines.push("", "### Gates", "", "| experiment | gate | actual | bar | verdict |", "|---|---|---:|---:|---|");
    for (const gate of gates) lines.push(row([gate.experiment, gateLabel(gate), number(gate.actual), number(gate.bar), verdictMark[gate.verdict]]));
  }

  const compared = results.filter((r) => r.judgement?.baseline || r.judgement?.baselineError);
  if (compared.length > 0) {
    lines.push("", "### Baseline", "");
    for (const result of compared) {
      const { baseline, baselineError } = result.judgement!;
      if (!baseline) {
        lines.push(`- **${result.experiment}**: ${baselineError}`);
        continue;
      }
      const regressed = baseline.regressed > 0 ? ` (${baseline.regressedIds.map((id) => `\`${id}\``).join(", ")}${baseline.regressed > baseline.regressedIds.length ? ", …" : ""})` : "";
      lines.push(`- **${result.experiment}** vs \`${baseline.name}\`: ${baseline.regressed} regressed${regressed}, ${baseline.fixed} fixed, ${baseline.new} new, ${baseline.missing} missing`);
    }
  }

  if (failed.length > 0) {
    lines.push("", "### Failures", "");
    for (const result of failed) lines.push(`- **${result.experiment}**: ${result.failure ?? errorCounts(result)}`);
  }
  return `${lines.join("\n")}\n`;
}

function signed(delta: number | null): string {
  if (delta === null) return "";
  return ` (${delta >= 0 ? "+" : "−"}${Math.abs(delta).toFixed(2)})`;
}

function row(cells: string[]): string {
  return `| ${cells.map((cell) => cell.replace(/\|/g, "\\|").replace(/\n/g, " ")).join(" | ")} |`;
}
