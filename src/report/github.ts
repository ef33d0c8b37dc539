import { appendFileSync } from "node:fs";
import type { RunInfo, RunListener } from "../engine/events.js";
import { errorCounts, type Output } from "./format.js";
import type { Announce, ReportedExperiment } from "./reported.js";
import { markdownScorecard } from "./scorecard-markdown.js";

/**
 * GitHub Actions: an `::error` annotation per failed experiment and per failed gate (workflow
 * commands are read from stdout), and the markdown scorecard appended to $GITHUB_STEP_SUMMARY.
 */
export class GithubReporter implements RunListener {
  constructor(
    private readonly out: Output,
    private readonly env: NodeJS.ProcessEnv,
    private readonly announce: Announce,
  ) {}

  onRunEnd(results: ReportedExperiment[], run: RunInfo): void {
    for (const result of results.filter((r) => r.status === "failed")) {
      const gates = (result.judgement?.gates ?? []).filter((gate) => gate.verdict === "fail");
      const other = result.failure && result.failure !== result.judgement?.failure ? [result.failure] : [];
      const lines = [...other, ...gates.map((gate) => gate.text)];
      if (lines.length === 0 && result.taskErrors + result.evaluatorErrors > 0) lines.push(errorCounts(result));
      for (const line of lines) this.out.write(`::error title=${command(`evalwire: ${result.experiment}`, true)}::${command(line, false)}\n`);
    }
    const summary = this.env.GITHUB_STEP_SUMMARY;
    if (!summary) {
      // Outside GitHub Actions: the annotations above are all it wrote.
      this.out.write("github report: no step summary ($GITHUB_STEP_SUMMARY is not set)\n");
      return;
    }
    appendFileSync(summary, `${markdownScorecard(results, run)}\n`);
    this.announce("github", summary);
  }
}

/** Workflow command escaping, as @actions/core does it. */
function command(text: string, property: boolean): string {
  const escaped = text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  return property ? escaped.replace(/:/g, "%3A").replace(/,/g, "%2C") : escaped;
}
