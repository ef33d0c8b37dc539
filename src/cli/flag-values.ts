import { type CacheMode, cacheModes } from "../cache/task-cache.js";
import { namePartProblem } from "../config/name-part.js";
import type { OnExist } from "../config/settings.js";
import { isWholeNumber, type WholeRange, wholeNumberRule } from "../config/whole-number.js";
import { UsageError } from "../errors.js";
import { type TaskKind, taskKinds } from "./scaffold.js";

// How each command's flag values are read: one line naming the flag and what it takes when a value is wrong.

/** A command-line flag: commander's flags and help text, and how its value is read. */
export interface OptionSpec {
  flags: string;
  description: string;
  parse?: (value: string, previous: unknown) => unknown;
}

export const wholeNumber =
  (flag: string, range: WholeRange) =>
  (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !isWholeNumber(number, range)) throw new UsageError(`${flag} takes ${wholeNumberRule(range)} (got ${JSON.stringify(value)})`);
    return number;
  };

export const repeatable = (value: string, previous: unknown): string[] => [...((previous as string[] | undefined) ?? []), value];

export function keyValue(value: string, previous: unknown): Record<string, string> {
  const at = value.indexOf("=");
  const key = value.slice(0, Math.max(at, 0)).trim();
  if (at <= 0 || key === "") throw new UsageError(`--metadata takes KEY=VALUE (got ${JSON.stringify(value)})`);
  return { ...(previous as Record<string, string> | undefined), [key]: value.slice(at + 1) };
}

export function namePart(flag: string) {
  return (value: string): string => {
    const problem = namePartProblem(value);
    if (problem) throw new UsageError(`${flag} ${problem} (got ${JSON.stringify(value)})`);
    return value;
  };
}

export function cacheMode(value: string): CacheMode {
  if (!(cacheModes as readonly string[]).includes(value)) throw new UsageError(`--cache takes off, read, write or readwrite (got ${JSON.stringify(value)})`);
  return value as CacheMode;
}

export function taskKind(value: string): TaskKind {
  if (!(taskKinds as readonly string[]).includes(value)) throw new UsageError(`--task takes ts, http or command (got ${JSON.stringify(value)})`);
  return value as TaskKind;
}

export function backend(value: string): "local" | "phoenix" {
  if (value !== "local" && value !== "phoenix") throw new UsageError(`--backend takes local or phoenix (got ${JSON.stringify(value)})`);
  return value;
}

export function nonNegative(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (value.trim() === "" || !Number.isFinite(number) || number < 0) throw new UsageError(`${flag} takes a number from 0 up, such as 0.02 (got ${JSON.stringify(value)})`);
    return number;
  };
}

export function columnList(flag: string, allowEmpty: boolean) {
  return (value: string): string[] => {
    const keys = value
      .split(",")
      .map((key) => key.trim())
      .filter(Boolean);
    if (keys.length === 0 && !allowEmpty) throw new UsageError(`${flag} takes column names separated by commas, such as user_query,context (got ${JSON.stringify(value)})`);
    return keys;
  };
}

export function nonEmpty(flag: string, what: string) {
  return (value: string): string => {
    if (value.trim() === "") throw new UsageError(`${flag} takes ${what} (got ${JSON.stringify(value)})`);
    return flag === "--delimiter" ? value : value.trim();
  };
}

export function repeatableNonEmpty(flag: string, what: string) {
  const check = nonEmpty(flag, what);
  return (value: string, previous: unknown): string[] => [...((previous as string[] | undefined) ?? []), check(value)];
}

export function onExist(value: string): OnExist {
  if (value !== "skip" && value !== "overwrite" && value !== "append") throw new UsageError(`--on-exist takes skip, overwrite or append (got ${JSON.stringify(value)})`);
  return value;
}

export function exportFormat(value: string): "csv" | "json" {
  if (value !== "csv" && value !== "json") throw new UsageError(`--format takes csv or json (got ${JSON.stringify(value)})`);
  return value;
}
