import { pc } from "../colour.js";
import type { ConcurrencyChange, ExperimentInfo, RunInfo, RunListener } from "../engine/events.js";
import type { ExampleResult, ExperimentResult } from "../types.js";
import { header, type Output } from "./format.js";
import { concurrencyLine, endLine } from "./plain.js";

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** For a terminal: a block of live lines, one per running experiment, redrawn a few times a second. */
export class LiveReporter implements RunListener {
  private readonly active = new Map<string, { info: ExperimentInfo; done: number; errors: number; concurrency?: ConcurrencyChange }>();
  private drawn = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly out: Output) {}

  onRunStart(run: RunInfo): void {
    this.out.write(header(run));
    this.timer = setInterval(() => this.redraw(), 100);
    this.timer.unref();
  }

  onExperimentStart(info: ExperimentInfo): void {
    this.active.set(info.experiment, { info, done: 0, errors: 0 });
    this.redraw();
  }

  onResult(info: ExperimentInfo, result: ExampleResult): void {
    const entry = this.active.get(info.experiment);
    if (!entry) return;
    entry.done++;
    if (result.status !== "ok" || result.evaluations.some((e) => e.error !== null)) entry.errors++;
  }

  onConcurrency(info: ExperimentInfo, change: ConcurrencyChange): void {
    const entry = this.active.get(info.experiment);
    if (entry) entry.concurrency = change;
    this.print(`${pc.yellow("⇅")} ${info.experiment}: ${concurrencyLine(change)}\n`);
  }

  onExperimentEnd(result: ExperimentResult): void {
    this.active.delete(result.experiment);
    this.print(`${endLine(result)}\n`);
  }

  onRunEnd(): void {
    clearInterval(this.timer);
    this.erase();
  }

  private print(text: string): void {
    this.erase();
    this.out.write(text);
    this.redraw();
  }

  private erase(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
  }

  private redraw(): void {
    this.erase();
    this.frame = (this.frame + 1) % frames.length;
    const lines = [...this.active.values()].map(({ info, done, errors, concurrency }) => {
      const total = info.planned > 0 ? `/${info.planned}` : "";
      const slowed = concurrency && concurrency.limit < concurrency.max ? pc.yellow(` concurrency ${concurrency.limit}/${concurrency.max}`) : "";
      return `${pc.cyan(frames[this.frame]!)} ${info.experiment} ${done}${total}${errors > 0 ? pc.red(` ${errors} with errors`) : ""}${slowed}`;
    });
    if (lines.length > 0) this.out.write(`${lines.join("\n")}\n`);
    this.drawn = lines.length;
  }
}
