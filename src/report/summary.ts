import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { pc } from "../colour.js";
import type { ExperimentInfo, RunInfo, RunListener } from "../engine/events.js";
import { firstLine } from "../errors.js";
import { gateLabel, number } from "../judge/gate.js";
import { readLines } from "../read-lines.js";
import { shownPath } from "../shown-path.js";
import { parseResult } from "../sinks/run-folder.js";
import type { ExampleResult, ExperimentResult } from "../types.js";
import { duration, errorCounts, type Output, plural, score, table } from "./format.js";
import type { ReportedExperiment } from "./reported.js";

const errorsShown = 3;

/**
 * At the end of a run: one row per experiment (runs, errors, mean score per evaluator, time,
 * where it was recorded), then the first errors of each failed experiment, then one closing line.
 */
export class SummaryReporter implements RunListener {
  private readonly firstErrors = new Map<string, string[]>();
  /** Per experiment, the results this process made. */
  private readonly heard = new Map<string, number>();

  constructor(
    private readonly out: Output,
    private readonly options: { quiet?: boolean; verbose?: boolean } = {},
  ) {}

  onResult(info: ExperimentInfo, result: ExampleResult): void {
    this.heard.set(info.experiment, (this.heard.get(info.experiment) ?? 0) + 1);
    const list = this.firstErrors.get(info.experiment) ?? [];
    this.firstErrors.set(info.experiment, list);
    list.push(...this.errorsOf(result, errorsShown - list.length));
  }

  onExperimentEnd(result: ExperimentResult): void {
    // A resumed run's results recorded before it stopped were never heard of here: its first errors are read back from the head of results.jsonl.
    const earlier = result.completed - (this.heard.get(result.experiment) ?? 0);
    const shown = this.firstErrors.get(result.experiment)?.length ?? 0;
    if (earlier <= 0 || !result.runPath || result.taskErrors + result.evaluatorErrors === shown || shown >= errorsShown) return;
    const found: string[] = [];
    let left = earlier;
    try {
      for (const { text } of readLines(join(result.runPath, "results.jsonl"))) {
        if (--left < 0) break;
        // Parsed only when it holds an error: a long run's head may be many lines.
        const recorded = text.includes('"error":"') ? parseResult(text) : null;
        if (recorded) found.push(...this.errorsOf(recorded, errorsShown - found.length));
        if (found.length >= errorsShown) break;
      }
    } catch {
      // Unreadable now: the count and the file's path are still shown.
    }
    this.firstErrors.set(result.experiment, [...found, ...(this.firstErrors.get(result.experiment) ?? [])].slice(0, errorsShown));
  }

  private errorsOf(result: ExampleResult, room: number): string[] {
    if (room <= 0) return [];
    const withStack = (message: string, stack: string | undefined) => (this.options.verbose && stack ? `${firstLine(message)}\n${pc.dim(stack.replace(/^/gm, "        "))}` : firstLine(message));
    const messages = [
      ...(result.error !== null ? [withStack(`task: ${result.error}`, result.stack)] : []),
      ...result.evaluations.filter((e) => e.error !== null).map((e) => withStack(`${e.name}: ${e.error}`, e.stack)),
    ];
    const at = `example ${result.exampleId}${result.repetition > 1 ? ` (repetition ${result.repetition})` : ""}`;
    return messages.slice(0, room).map((message) => `${at}: ${message}`);
  }

  onRunEnd(results: ReportedExperiment[], run: RunInfo): void {
    const out: string[] = [];
    if (!this.options.quiet) out.push("", this.table(results, run), ...scorecard(results));
    else out.push(...whereRecorded(results));
    for (const result of results.filter((r) => r.status === "failed")) {
      out.push("", `${pc.red("✖")} ${pc.bold(result.experiment)}: ${result.failure ?? errorCounts(result)}`);
      for (const message of this.firstErrors.get(result.experiment) ?? []) out.push(`    ${message}`);
      const more = result.taskErrors + result.evaluatorErrors - (this.firstErrors.get(result.experiment)?.length ?? 0);
      if (more > 0 && result.runPath) out.push(pc.dim(`    … and ${more} more in ${shownPath(result.runPath)}/results.jsonl`));
    }
    out.push("", closingLine(results, run));
    // Quiet output has no progress lines above it to keep apart from.
    const text = out.join("\n");
    this.out.write(`${this.options.quiet ? text.replace(/^\n/, "") : text}\n`);
  }

  private table(results: ReportedExperiment[], run: RunInfo): string {
    const rows = [["experiment", "runs", "errors", "scores", "time", run.dryRun === false ? "recorded in" : ""].map((h) => pc.dim(h))];
    for (const result of results) {
      const errors = result.taskErrors + result.evaluatorErrors;
      const runs = result.completed === result.planned ? String(result.completed) : `${result.completed}/${result.planned}`;
      const deltas = result.judgement?.baseline?.evaluators ?? {};
      const [scores = "", ...moreScores] = lines(
        Object.entries(result.evaluators).map(([name, summary]) => `${name} ${summary.errors > 0 ? pc.red(score(summary.mean)) : score(summary.mean)}${delta(deltas[name]?.delta ?? null)}`),
        scoresWidth,
      );
      const status = result.status === "passed" ? pc.green("✔") : result.status === "interrupted" ? pc.yellow("■") : pc.red("✖");
      rows.push([
        `${status} ${result.experiment}`,
        runs,
        errors > 0 ? pc.red(String(errors)) : "0",
        result.failure && result.completed === 0 ? pc.red("failed: see below") : scores || pc.dim(result.status === "interrupted" && result.planned === 0 ? "not started" : "no evaluators"),
        duration(result.durationMs),
        result.url ?? (result.runPath ? shownPath(result.runPath) : ""),
      ]);
      // Many evaluators: their scores go on under one another, so no row is padded past the screen.
      for (const more of moreScores) rows.push(["", "", "", more, "", ""]);
    }
    return table(rows);
  }
}

const scoresWidth = 60;

/** Items joined by two spaces, in lines of at most `width` visible characters (one item may be longer). */
function lines(items: string[], width: number): string[] {
  const out: string[] = [];
  for (const item of items) {
    const last = out.at(-1);
    if (last !== undefined && stripVTControlCharacters(last).length + 2 + stripVTControlCharacters(item).length <= width) out[out.length - 1] = `${last}  ${item}`;
    else out.push(item);
  }
  return out;
}

function delta(value: number | null): string {
  if (value === null) return "";
  const text = ` (${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(2)})`;
  return value < -0.005 ? pc.red(text) : value > 0.005 ? pc.green(text) : pc.dim(text);
}

/** The gates of every experiment (gate, actual, bar, verdict), pass@k and pass^k with repetitions, and the baseline's regressions. */
function scorecard(results: ReportedExperiment[]): string[] {
  const lines: string[] = [];
  const gates = results.flatMap((r) => r.judgement?.gates ?? []);
  if (gates.length > 0) {
    lines.push("", pc.dim("gates"));
    const rows = [["experiment", "gate", "actual", "bar", "verdict"].map((h) => pc.dim(h))];
    for (const gate of gates) {
      const verdict = gate.verdict === "pass" ? pc.green("✔ pass") : gate.verdict === "fail" ? pc.red("✖ fail") : pc.dim("– not applied (partial run)");
      rows.push([gate.experiment, gateLabel(gate), number(gate.actual), number(gate.bar), verdict]);
    }
    lines.push(table(rows));
  }
  for (const result of results) {
    const judgement = result.judgement;
    if (judgement?.repeated) {
      const shares = Object.entries(judgement.scores).map(([name, s]) => `${name} pass@k ${score(s.passAtK)} pass^k ${score(s.passAllK)}`);
      if (shares.length > 0) lines.push("", `${result.experiment} ${pc.dim("with repetitions:")} ${shares.join("  ")}`);
    }
    const baseline = judgement?.baseline;
    if (baseline) {
      const ids = baseline.regressedIds.length > 0 ? `: ${baseline.regressedIds.join(", ")}${baseline.regressed > baseline.regressedIds.length ? ", …" : ""}` : "";
      lines.push(
        "",
        `${result.experiment} ${pc.dim(`vs ${baseline.name}:`)} ${baseline.regressed > 0 ? pc.red(`${baseline.regressed} regressed`) : "0 regressed"}${ids}; ${baseline.fixed} fixed, ${baseline.new} new, ${baseline.missing} missing`,
      );
    }
  }
  return lines;
}

/** With --quiet the table is gone, but where each experiment was recorded still shows. */
function whereRecorded(results: ExperimentResult[]): string[] {
  return results.filter((r) => r.url || r.runPath).map((r) => `${r.experiment} ${pc.dim("recorded in")} ${r.url ?? shownPath(r.runPath!)}`);
}

function closingLine(results: ExperimentResult[], run: RunInfo): string {
  const failed = results.filter((r) => r.status === "failed").length;
  const interrupted = results.filter((r) => r.status === "interrupted").length;
  const dry = run.dryRun !== false ? " (dry run: nothing recorded)" : "";
  if (interrupted > 0) return pc.yellow(`Interrupted: ${results.length - interrupted - failed} passed, ${failed} failed, ${interrupted} interrupted${dry}.`);
  if (failed > 0) return pc.red(`${failed} of ${plural(results.length, "experiment")} failed${dry}.`);
  return pc.green(`${plural(results.length, "experiment")} passed${dry}.`);
}
