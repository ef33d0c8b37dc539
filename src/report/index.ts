import type { RunListener } from "../engine/events.js";
import { firstLine } from "../errors.js";
import { shownPath } from "../shown-path.js";
import { DryRunReporter } from "./dry-run.js";
import { FailuresToStderr } from "./failures-to-stderr.js";
import type { Output } from "./format.js";
import { GithubReporter } from "./github.js";
import { HtmlReporter } from "./html.js";
import { JsonReporter } from "./json.js";
import { JunitReporter } from "./junit.js";
import { LiveReporter } from "./live.js";
import { MarkdownReporter } from "./markdown.js";
import { PlainReporter } from "./plain.js";
import type { Announce } from "./reported.js";
import { ResultSpool } from "./result-spool.js";
import type { ReporterName, ReporterSpec } from "./spec.js";
import { SummaryReporter } from "./summary.js";

export interface ReporterOptions {
  out: Output;
  /** Live progress only on a terminal, and never in CI. */
  live: boolean;
  quiet: boolean;
  verbose: boolean;
  dryRun: boolean;
  /** `--reporter` / `[report] reporters`. */
  reporters?: ReporterSpec[];
  /** For the github reporter: GITHUB_ACTIONS turns it on, GITHUB_STEP_SUMMARY is where it appends. */
  env?: NodeJS.ProcessEnv;
  /** Says where a reporter wrote (default: a line on `out`). */
  announce?: Announce;
  /** Where one line per failed experiment goes as well, when stdout is not read there (see FailuresToStderr). */
  err?: Output | null;
  /** Told when a report file cannot be written (a folder this user may not write, a full disk): the run then fails. */
  onReportFailed?: (message: string) => void;
}

/** Reporters that write a file, by name: each takes its path, the spooled results, and where to say it wrote. */
const fileReporters: Record<Exclude<ReporterName, "github">, (path: string, spool: ResultSpool, announce: Announce) => RunListener> = {
  json: (path, _spool, announce) => new JsonReporter(path, announce),
  junit: (path, spool, announce) => new JunitReporter(path, spool, announce),
  markdown: (path, _spool, announce) => new MarkdownReporter(path, announce),
  html: (path, spool, announce) => new HtmlReporter(path, spool, announce),
};
const spooling: ReporterName[] = ["junit", "html"];

/**
 * The console reporters, then those named. File reporters write at the end of the run, failed or
 * not; the result spool, when one needs it, is the last listener so it is removed after them.
 */
export function createReporters({ out, live, quiet, verbose, dryRun, reporters = [], env = {}, announce, err = null, onReportFailed }: ReporterOptions): RunListener[] {
  const listeners: RunListener[] = [];
  if (!quiet) listeners.push(live ? new LiveReporter(out) : new PlainReporter(out));
  if (dryRun) listeners.push(new DryRunReporter(out));
  listeners.push(new SummaryReporter(out, { quiet, verbose }));
  if (err) listeners.push(new FailuresToStderr(err));

  const say: Announce = announce ?? ((name, where) => void out.write(`${name} report: ${shownPath(where)}\n`));
  const spool = reporters.some((spec) => spooling.includes(spec.name)) ? new ResultSpool() : null;
  if (spool) listeners.unshift(spool);
  const github = reporters.some((spec) => spec.name === "github") || env.GITHUB_ACTIONS === "true";
  for (const spec of reporters) {
    if (spec.name === "github") continue;
    const reporter = fileReporters[spec.name](spec.path!, spool!, say);
    listeners.push(onReportFailed ? failingLoudly(reporter, `the ${spec.name} report ${shownPath(spec.path!)}`, onReportFailed) : reporter);
  }
  if (github) {
    const reporter = new GithubReporter(out, env, say);
    const what = `the github report (GITHUB_STEP_SUMMARY ${shownPath(env.GITHUB_STEP_SUMMARY ?? "")})`;
    listeners.push(onReportFailed ? failingLoudly(reporter, what, onReportFailed) : reporter);
  }
  if (spool) listeners.push({ onRunEnd: () => spool.close() });
  return listeners;
}

/** A file reporter whose file cannot be written says so, naming the file, instead of a warning that leaves the run passing. */
function failingLoudly(reporter: RunListener, what: string, onReportFailed: (message: string) => void): RunListener {
  const onRunEnd = reporter.onRunEnd?.bind(reporter);
  if (!onRunEnd) return reporter;
  reporter.onRunEnd = async (...args) => {
    try {
      await onRunEnd(...args);
    } catch (error) {
      onReportFailed(`cannot write ${what}: ${firstLine(error)}`);
    }
  };
  return reporter;
}

export { DryRunReporter, GithubReporter, HtmlReporter, JsonReporter, JunitReporter, LiveReporter, MarkdownReporter, PlainReporter, ResultSpool, SummaryReporter };
