import { stripVTControlCharacters } from "node:util";
import { pc } from "../colour.js";
import type { RunInfo } from "../engine/events.js";
import { shownPath } from "../shown-path.js";
import { version } from "../version.js";

export interface Output {
  write(text: string): unknown;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m ${String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")}s`;
}

export function score(mean: number | null): string {
  return mean === null ? "–" : mean.toFixed(2);
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The first lines of every run: which backend, where results go, what was found. */
export function header(run: RunInfo): string {
  const where = [...(run.backend === "phoenix" ? [run.location] : []), run.dryRun !== false ? "dry run: nothing is recorded" : `runs in ${shownPath(run.runsDir)}`].join(" · ");
  const lines = [
    `${pc.bold("evalwire")} ${version} · ${run.backend} backend · ${where}`,
    `${plural(run.experiments.length, "experiment")} in ${shownPath(run.experimentsDir)}: ${run.experiments.join(", ")}` +
      (run.dryRun !== false ? pc.dim(` (first ${plural(run.dryRun, "example")} each)`) : ""),
  ];
  return `${lines.join("\n")}\n`;
}

/** Pads cells to column widths, ignoring colour codes. */
export function table(rows: string[][]): string {
  const width = (cell: string) => stripVTControlCharacters(cell).length;
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => width(row[column] ?? ""))));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell + " ".repeat(widths[column]! - width(cell))))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Why an experiment failed by its errors alone, the same in every reporter: `1 task error, 2 evaluator errors`. */
export function errorCounts(result: { taskErrors: number; evaluatorErrors: number }): string {
  const parts = [
    [result.taskErrors, "task error"],
    [result.evaluatorErrors, "evaluator error"],
  ] as const;
  return parts
    .filter(([count]) => count > 0)
    .map(([count, word]) => plural(count, word))
    .join(", ");
}
