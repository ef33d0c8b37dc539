import type { RunInfo, RunListener } from "../engine/events.js";
import type { Announce, ReportedExperiment } from "./reported.js";
import { markdownScorecard } from "./scorecard-markdown.js";
import { writeReportFile } from "./write-file.js";

/** `--reporter markdown=PATH`: the scorecard as a markdown document, for a PR comment. */
export class MarkdownReporter implements RunListener {
  constructor(
    private readonly path: string,
    private readonly announce: Announce,
  ) {}

  onRunEnd(results: ReportedExperiment[], run: RunInfo): void {
    writeReportFile(this.path, markdownScorecard(results, run));
    this.announce("markdown", this.path);
  }
}
