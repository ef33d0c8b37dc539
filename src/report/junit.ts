import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { RunInfo, RunListener } from "../engine/events.js";
import { gateLabel, number } from "../judge/gate.js";
import { passes } from "../judge/passes.js";
import type { Evaluation, ExampleResult } from "../types.js";
import type { Announce, ReportedExperiment } from "./reported.js";
import type { ResultSpool } from "./result-spool.js";

/**
 * JUnit XML as CI servers read it: a testsuite per experiment, a testcase per task call (an
 * `<error>` for a task or evaluator error, a `<failure>` when an evaluation misses its pass bar),
 * a testcase per gate, and one for an experiment that failed as a whole. Written from the spool
 * one result at a time.
 */
export class JunitReporter implements RunListener {
  constructor(
    private readonly path: string,
    private readonly spool: ResultSpool,
    private readonly announce: Announce,
  ) {}

  async onRunEnd(results: ReportedExperiment[], _run: RunInfo): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, "w");
    try {
      const suites: { experiment: ReportedExperiment; counts: Counts }[] = [];
      for (const experiment of results) suites.push({ experiment, counts: await this.count(experiment) });
      const total = suites.reduce((sum, { counts }) => add(sum, counts), zero());
      const seconds = results.reduce((sum, r) => sum + r.durationMs, 0) / 1000;
      writeSync(fd, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="evalwire" ${attributes(total)} time="${seconds.toFixed(3)}">\n`);
      for (const { experiment, counts } of suites) await this.writeSuite(fd, experiment, counts);
      writeSync(fd, "</testsuites>\n");
    } finally {
      closeSync(fd);
    }
    this.announce("junit", this.path);
  }

  /** The first pass: testsuite attributes come before its testcases. */
  private async count(experiment: ReportedExperiment): Promise<Counts> {
    const counts = zero();
    const bars = experiment.judgement?.passBars ?? {};
    for await (const { result } of this.spool.read(experiment.experiment)) {
      counts.tests++;
      const verdict = callVerdict(result, bars);
      if (verdict.kind === "error") counts.errors++;
      else if (verdict.kind === "failure") counts.failures++;
    }
    for (const gate of experiment.judgement?.gates ?? []) {
      counts.tests++;
      if (gate.verdict === "fail") counts.failures++;
      if (gate.verdict === "not applied") counts.skipped++;
    }
    if (wholeProblem(experiment)) {
      counts.tests++;
      counts.errors++;
    }
    return counts;
  }

  private async writeSuite(fd: number, experiment: ReportedExperiment, counts: Counts): Promise<void> {
    const name = experiment.experiment;
    writeSync(fd, `  <testsuite name="${escapeXml(name)}" ${attributes(counts)} time="${(experiment.durationMs / 1000).toFixed(3)}">\n`);
    const properties = [
      ["run", experiment.name],
      ["dataset", experiment.dataset.name],
      ["status", experiment.status],
      ...(experiment.runPath ? [["runPath", experiment.runPath]] : []),
      ...(experiment.url ? [["url", experiment.url]] : []),
    ];
    writeSync(fd, `    <properties>\n${properties.map(([key, value]) => `      <property name="${escapeXml(key!)}" value="${escapeXml(value!)}"/>\n`).join("")}    </properties>\n`);
    const whole = wholeProblem(experiment);
    if (whole) writeSync(fd, `    <testcase classname="${escapeXml(name)}" name="experiment"><error message="${escapeXml(whole.message)}" type="${whole.type}"/></testcase>\n`);
    const bars = experiment.judgement?.passBars ?? {};
    for await (const { result } of this.spool.read(name)) {
      const testName = result.repetition > 1 ? `${result.exampleId} (repetition ${result.repetition})` : result.exampleId;
      const verdict = callVerdict(result, bars);
      const open = `    <testcase classname="${escapeXml(name)}" name="${escapeXml(testName)}" time="${(result.durationMs / 1000).toFixed(3)}"`;
      if (verdict.kind === "pass") writeSync(fd, `${open}/>\n`);
      else writeSync(fd, `${open}>\n      <${verdict.kind} message="${escapeXml(verdict.message)}" type="${verdict.type}">${escapeXml(verdict.detail)}</${verdict.kind}>\n    </testcase>\n`);
    }
    for (const gate of experiment.judgement?.gates ?? []) {
      const sign = gate.gate.startsWith("max_") ? "<=" : ">=";
      const open = `    <testcase classname="${escapeXml(`${name}.gates`)}" name="${escapeXml(`${gateLabel(gate)} ${sign} ${number(gate.bar)}`)}"`;
      if (gate.verdict === "pass") writeSync(fd, `${open}/>\n`);
      else if (gate.verdict === "fail") writeSync(fd, `${open}>\n      <failure message="${escapeXml(gate.text)}" type="gate"/>\n    </testcase>\n`);
      else writeSync(fd, `${open}>\n      <skipped message="not applied (partial run)"/>\n    </testcase>\n`);
    }
    writeSync(fd, "  </testsuite>\n");
  }
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}
const zero = (): Counts => ({ tests: 0, failures: 0, errors: 0, skipped: 0 });
const add = (a: Counts, b: Counts): Counts => ({ tests: a.tests + b.tests, failures: a.failures + b.failures, errors: a.errors + b.errors, skipped: a.skipped + b.skipped });
const attributes = (c: Counts) => `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}"`;

/** A failure of the experiment as a whole (load, dataset, recording), not one made of its results or gates. */
/**
 * What went wrong with the experiment as a whole, shown as its `experiment` testcase: a failure of
 * its own (not a gate's, which has its testcase), or an interrupt, so that a CI test report never
 * reads a stopped run's passing calls as a passed run.
 */
function wholeProblem(experiment: ReportedExperiment): { message: string; type: "experiment" | "interrupted" } | null {
  if (experiment.status === "interrupted") {
    const ran = experiment.planned > 0 ? `${experiment.completed} of ${experiment.planned} task calls ran` : "interrupted before it started";
    return { message: `${experiment.planned > 0 ? "interrupted: " : ""}${ran}; finish it with evalwire run --resume`, type: "interrupted" };
  }
  if (experiment.status !== "failed" || !experiment.failure) return null;
  if (experiment.judgement?.failure && experiment.failure === experiment.judgement.failure) return null;
  return { message: experiment.failure, type: "experiment" };
}

type CallVerdict = { kind: "pass" } | { kind: "error" | "failure"; type: string; message: string; detail: string };

function callVerdict(result: ExampleResult, bars: Record<string, number>): CallVerdict {
  if (result.error !== null) return { kind: "error", type: result.status === "timeout" ? "timeout" : "task", message: result.error, detail: result.stack ?? result.error };
  const errored = result.evaluations.filter((e) => e.error !== null);
  if (errored.length > 0)
    return { kind: "error", type: "evaluator", message: errored.map((e) => `${e.name}: ${e.error}`).join("; "), detail: errored.map((e) => e.stack ?? `${e.name}: ${e.error}`).join("\n") };
  const failed = result.evaluations.filter((e) => !passes(e, bars[e.name] ?? 1));
  if (failed.length === 0) return { kind: "pass" };
  return {
    kind: "failure",
    type: "evaluation",
    message: failed.map((e) => describeMiss(e, bars[e.name] ?? 1)).join("; "),
    detail: failed.map((e) => `${describeMiss(e, bars[e.name] ?? 1)}${e.explanation ? `: ${e.explanation}` : ""}`).join("\n"),
  };
}

function describeMiss(evaluation: Evaluation, bar: number): string {
  if (evaluation.score === null) return `${evaluation.name} label ${JSON.stringify(evaluation.label)} is not "pass"`;
  return `${evaluation.name} ${number(evaluation.score)} < ${number(bar)}`;
}

/** Text for an XML attribute or element: the five special characters escaped, characters XML 1.0 cannot hold dropped. */
function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
