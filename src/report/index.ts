import type { RunListener } from "../engine/events.js";
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
export function createReporters({ out, live, quiet, verbose, dryRun, reporters = [], env = {}, announce, err = null }: ReporterOptions): RunListener[] {
  const listeners: RunListener[] = [];
  if (!quiet) listeners.push(live ? new LiveReporter(out) : new PlainReporter(out));
  if (dryRun) listeners.push(new DryRunReporter(out));
  listeners.push(new SummaryReporter(out, { quiet, verbose }));
  if (err) listeners.push(new FailuresToStderr(err));

  const say: Announce = announce ?? ((name, where) => void out.write(`${name} report: ${shownPath(where)}\n`));
  const spool = reporters.some((spec) => spooling.includes(spec.name)) ? new ResultSpool() : null;
  if (spool) listeners.unshift(spool);
  const github = reporters.some((spec) => spec.name === "github") || env.GITHUB_ACTIONS === "true";
  for (const spec of reporters) if (spec.name !== "github") listeners.push(fileReporters[spec.name](spec.path!, spool!, say));
  if (github) listeners.push(new GithubReporter(out, env, say));
  if (spool) listeners.push({ onRunEnd: () => spool.close() });
  return listeners;
}

export { DryRunReporter, GithubReporter, HtmlReporter, JsonReporter, JunitReporter, LiveReporter, MarkdownReporter, PlainReporter, ResultSpool, SummaryReporter };
