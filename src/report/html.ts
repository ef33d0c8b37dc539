import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { RunInfo, RunListener } from "../engine/events.js";
import { gateLabel, number } from "../judge/gate.js";
import { passes } from "../judge/passes.js";
import { version } from "../version.js";
import { duration, plural, score } from "./format.js";
import type { Announce, ReportedExperiment } from "./reported.js";
import type { ResultSpool, SpooledResult } from "./result-spool.js";

/** Rows in the example table; past this the page says how many more are in results.jsonl. */
export const htmlRowLimit = 10_000;
/** Characters of one input, output or expected value shown in a cell. */
const cellLimit = 2_000;
const bins = 10;

/**
 * `--reporter html=PATH`: one self-contained page (no network): the scorecard, gates, score
 * distributions per evaluator, baseline deltas, and a filterable table of task calls.
 */
export class HtmlReporter implements RunListener {
  constructor(
    private readonly path: string,
    private readonly spool: ResultSpool,
    private readonly announce: Announce,
  ) {}

  async onRunEnd(results: ReportedExperiment[], run: RunInfo): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, "w");
    const write = (text: string) => writeSync(fd, text);
    try {
      const failed = results.filter((r) => r.status === "failed").length;
      const title = failed > 0 ? `${failed} of ${plural(results.length, "experiment")} failed` : `${plural(results.length, "experiment")} passed`;
      write(`<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`);
      write(`<title>evalwire: ${escapeHtml(title)}</title><style>${style}</style></head><body>\n`);
      write(`<header><h1>evalwire: <span class="${failed > 0 ? "fail" : "pass"}">${escapeHtml(title)}</span></h1>`);
      write(`<p class="dim">${escapeHtml(`${run.timestamp} UTC · ${run.backend} backend · evalwire ${version}${run.dryRun !== false ? " · dry run" : ""}`)}</p></header>\n`);
      write(scorecard(results));
      write(gatesTable(results));
      write(await this.distributions(results));
      write(baselineTable(results));
      await this.examples(results, write);
      write(`<script>${script}</script>\n</body></html>\n`);
    } finally {
      closeSync(fd);
    }
    this.announce("html", this.path);
  }

  private async distributions(results: ReportedExperiment[]): Promise<string> {
    const sections: string[] = [];
    for (const result of results) {
      const counts = new Map<string, number[]>();
      for await (const { result: call } of this.spool.read(result.experiment)) {
        for (const evaluation of call.evaluations) {
          if (evaluation.score === null || evaluation.error !== null) continue;
          const histogram = counts.get(evaluation.name) ?? new Array<number>(bins).fill(0);
          const bin = Math.min(bins - 1, Math.max(0, Math.floor(evaluation.score * bins)));
          histogram[bin]!++;
          counts.set(evaluation.name, histogram);
        }
      }
      for (const [name, histogram] of counts) {
        const most = Math.max(...histogram, 1);
        const bars = histogram
          .map(
            (count, i) =>
              `<div class="bar" title="${(i / bins).toFixed(1)}–${((i + 1) / bins).toFixed(1)}: ${count}"><div style="height:${Math.round((count / most) * 100)}%"></div><span>${count}</span></div>`,
          )
          .join("");
        sections.push(
          `<figure class="histogram" data-evaluator="${escapeHtml(name)}"><figcaption>${escapeHtml(`${result.experiment} · ${name}`)}</figcaption><div class="bars">${bars}</div><div class="axis"><span>0</span><span>1</span></div></figure>`,
        );
      }
    }
    if (sections.length === 0) return "";
    return `<section><h2>Score distributions</h2><p class="dim">Scores from 0 to 1 in ten bins; scores outside go to the end bins.</p><div class="histograms">${sections.join("")}</div></section>\n`;
  }

  private async examples(results: ReportedExperiment[], write: (text: string) => void): Promise<void> {
    const experiments = results.map((r) => `<option>${escapeHtml(r.experiment)}</option>`).join("");
    write(`<section><h2>Examples</h2><div class="filters">`);
    write(`<input id="filter" type="search" placeholder="Filter by id, input, output, error…" aria-label="filter">`);
    write(
      `<select id="status-filter" aria-label="status"><option value="">every status</option><option value="pass">pass</option><option value="fail">fail</option><option value="error">error</option></select>`,
    );
    write(`<select id="experiment-filter" aria-label="experiment"><option value="">every experiment</option>${experiments}</select>`);
    write(
      `<span id="shown" class="dim"></span></div>\n<table id="examples"><thead><tr><th>experiment</th><th>example</th><th>status</th><th>input</th><th>output</th><th>expected</th><th>scores</th><th>error</th></tr></thead><tbody>\n`,
    );
    let rows = 0;
    let left = 0;
    for (const result of results) {
      const bars = result.judgement?.passBars ?? {};
      for await (const spooled of this.spool.read(result.experiment)) {
        if (rows >= htmlRowLimit) {
          left++;
          continue;
        }
        rows++;
        write(row(result.experiment, spooled, bars));
      }
    }
    write(`</tbody></table>${left > 0 ? `<p class="dim">The first ${htmlRowLimit} task calls are shown; ${left} more are in each run's results.jsonl.</p>` : ""}</section>\n`);
  }
}

function row(experiment: string, { result, input, expected }: SpooledResult, bars: Record<string, number>): string {
  const evaluationError = result.evaluations.find((e) => e.error !== null);
  const status = result.error !== null || evaluationError ? "error" : result.evaluations.every((e) => passes(e, bars[e.name] ?? 1)) ? "pass" : "fail";
  const id = result.repetition > 1 ? `${result.exampleId} #${result.repetition}` : result.exampleId;
  const scores = result.evaluations
    .map(
      (e) =>
        `<span class="${e.error ? "error" : passes(e, bars[e.name] ?? 1) ? "pass" : "fail"}">${escapeHtml(`${e.name} ${e.error ? "error" : e.score !== null ? number(e.score) : (e.label ?? "–")}`)}</span>`,
    )
    .join("<br>");
  const errors = [result.error, ...result.evaluations.filter((e) => e.error).map((e) => `${e.name}: ${e.error}`)].filter(Boolean).join("\n");
  return `<tr data-status="${status}" data-experiment="${escapeHtml(experiment)}"><td>${escapeHtml(experiment)}</td><td>${escapeHtml(id)}</td><td class="${status}">${status}</td><td>${json(input)}</td><td>${json(result.output)}</td><td>${json(expected)}</td><td>${scores}</td><td class="error">${escapeHtml(errors)}</td></tr>\n`;
}

function scorecard(results: ReportedExperiment[]): string {
  const rows = results.map((r) => {
    const scores = Object.entries(r.evaluators)
      .map(([name, s]) => `${escapeHtml(name)} <b>${score(s.mean)}</b>`)
      .join(" · ");
    const where = r.url ? `<a href="${escapeHtml(r.url)}">Phoenix</a>` : escapeHtml(r.runPath ?? "");
    const runs = r.completed === r.planned ? String(r.completed) : `${r.completed}/${r.planned}`;
    return `<tr class="${r.status}"><td class="${r.status === "passed" ? "pass" : "fail"}">${r.status}</td><td>${escapeHtml(r.experiment)}</td><td>${runs}</td><td>${r.taskErrors + r.evaluatorErrors}</td><td>${scores || "–"}</td><td>${duration(r.durationMs)}</td><td>${where}</td><td>${escapeHtml(r.failure ?? "")}</td></tr>`;
  });
  return `<section><h2>Scorecard</h2><table id="scorecard"><thead><tr><th>status</th><th>experiment</th><th>runs</th><th>errors</th><th>mean scores</th><th>time</th><th>recorded in</th><th>failure</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>\n`;
}

function gatesTable(results: ReportedExperiment[]): string {
  const gates = results.flatMap((r) => r.judgement?.gates ?? []);
  if (gates.length === 0) return "";
  const rows = gates.map(
    (g) =>
      `<tr><td>${escapeHtml(g.experiment)}</td><td>${escapeHtml(gateLabel(g))}</td><td>${number(g.actual)}</td><td>${number(g.bar)}</td><td class="${g.verdict === "pass" ? "pass" : g.verdict === "fail" ? "fail" : "dim"}">${escapeHtml(g.verdict)}</td></tr>`,
  );
  return `<section><h2>Gates</h2><table id="gates"><thead><tr><th>experiment</th><th>gate</th><th>actual</th><th>bar</th><th>verdict</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>\n`;
}

function baselineTable(results: ReportedExperiment[]): string {
  const rows: string[] = [];
  for (const r of results) {
    const baseline = r.judgement?.baseline;
    if (r.judgement?.baselineError) rows.push(`<tr><td>${escapeHtml(r.experiment)}</td><td colspan="6" class="fail">${escapeHtml(r.judgement.baselineError)}</td></tr>`);
    if (!baseline) continue;
    for (const [name, e] of Object.entries(baseline.evaluators)) {
      const delta = e.delta === null ? "–" : `${e.delta >= 0 ? "+" : "−"}${Math.abs(e.delta).toFixed(2)}`;
      rows.push(
        `<tr><td>${escapeHtml(r.experiment)}</td><td>${escapeHtml(baseline.name)}</td><td>${escapeHtml(name)}</td><td>${score(e.baseline)}</td><td>${score(e.current)}</td><td class="${(e.delta ?? 0) < 0 ? "fail" : "pass"}">${delta}</td><td>${baseline.regressed} regressed, ${baseline.fixed} fixed, ${baseline.new} new, ${baseline.missing} missing</td></tr>`,
      );
    }
  }
  if (rows.length === 0) return "";
  return `<section><h2>Baseline</h2><table id="baseline"><thead><tr><th>experiment</th><th>baseline run</th><th>evaluator</th><th>before</th><th>now</th><th>delta</th><th>examples</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>\n`;
}

function json(value: unknown): string {
  if (value === undefined) return `<span class="dim">–</span>`;
  const text = JSON.stringify(value, null, 1) ?? "null";
  return `<pre>${escapeHtml(text.length > cellLimit ? `${text.slice(0, cellLimit)}…` : text)}</pre>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const style = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d2327;background:#fff}
h1{font-size:1.4rem;margin:0}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e3e6e8;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f7f8;font-weight:600}pre{margin:0;white-space:pre-wrap;word-break:break-word;max-height:12rem;overflow:auto;font-size:12px}
.pass{color:#177a3c}.fail,.error{color:#b3261e}.dim{color:#6b7378}
.filters{display:flex;gap:.5rem;align-items:center;margin-bottom:.5rem}.filters input{flex:1;max-width:28rem;padding:.3rem}
.histograms{display:flex;flex-wrap:wrap;gap:1rem}.histogram{margin:0;width:16rem}.histogram figcaption{font-weight:600;margin-bottom:.3rem}
.bars{display:flex;align-items:flex-end;height:5rem;gap:2px;border-bottom:1px solid #9aa3a8}
.bar{flex:1;height:100%;display:flex;flex-direction:column;justify-content:flex-end;position:relative}.bar div{background:#3f7cac;min-height:1px}
.bar span{font-size:10px;color:#6b7378;text-align:center}.axis{display:flex;justify-content:space-between;font-size:11px;color:#6b7378}
`;

const script = `
(function(){
  var text=document.getElementById('filter'),status=document.getElementById('status-filter'),experiment=document.getElementById('experiment-filter'),shown=document.getElementById('shown');
  var rows=Array.prototype.slice.call(document.querySelectorAll('#examples tbody tr'));
  function apply(){
    var q=text.value.toLowerCase(),s=status.value,e=experiment.value,n=0;
    rows.forEach(function(r){
      var ok=(!s||r.getAttribute('data-status')===s)&&(!e||r.getAttribute('data-experiment')===e)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);
      r.hidden=!ok;if(ok)n++;
    });
    shown.textContent=n+' of '+rows.length+' task calls shown';
  }
  text.addEventListener('input',apply);status.addEventListener('change',apply);experiment.addEventListener('change',apply);apply();
})();
`;
